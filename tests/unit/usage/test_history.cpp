// The daily usage history: one row per service per day whatever is re-run or interrupted, retention by
// "Save history (days)", and the daily/monthly aggregates of the client-area chart. Days come from a
// FixedClock, never from the SQL server's CURDATE().
#include <catch2/catch.hpp>
#include <stdexcept>

#include "puq/common/error.hpp"
#include "usage_world.hpp"

using namespace puq;
using puq::testing::sample;
using puq::testing::simUsage;
using puq::testing::usageOptions;
using puq::testing::UsageWorld;

namespace {

std::string sid(int64_t id) { return std::to_string(id); }

}  // namespace

TEST_CASE("Days: civil dates, months and UTC days", "[usage][dates]") {
  using usage::Day;
  CHECK(Day::fromCivil(1970, 1, 1).daysSinceEpoch() == 0);
  CHECK(Day::fromTime(std::chrono::system_clock::time_point(std::chrono::seconds(puq::testing::kNoonMarch15))).str() ==
        "2025-03-15");
  CHECK(Day::fromTime(std::chrono::system_clock::time_point(std::chrono::seconds(-1))).str() == "1969-12-31");
  CHECK(Day::parse("2024-02-29").plusDays(1).str() == "2024-03-01");
  CHECK(Day::parse("2025-03-01").plusDays(-1).str() == "2025-02-28");
  CHECK(Day::parse("2025-03-15").firstOfMonthPlus(-11).str() == "2024-04-01");
  CHECK(Day::parse("2025-01-31").firstOfMonthPlus(-1).str() == "2024-12-01");
  CHECK(Day::parse("2025-12-31").firstOfMonthPlus(1).str() == "2026-01-01");
  CHECK(Day::parse("2025-03-15").monthStr() == "2025-03");
  CHECK_THROWS_AS(Day::parse("2025-02-30"), BadRequest);
  CHECK_THROWS_AS(Day::parse("2025-2-3"), BadRequest);
  CHECK(usage::utcDateTime(std::chrono::system_clock::time_point(std::chrono::seconds(puq::testing::kNoonMarch15 + 61))) ==
        "2025-03-15 12:01:01");
}

TEST_CASE("Running the same sync twice leaves one history row per service per day", "[usage][history]") {
  UsageWorld w;
  puq::testing::SimNas nas;
  nas.control("/users", {{"users", {{{"name", "h1"}, {"used_mb", 100}}, {{"name", "h2"}, {"used_mb", 200}}}}});
  const int64_t server = w.addServer();
  const int64_t product = w.addProduct(usageOptions());
  const int64_t h1 = w.addService(product, server, "h1");
  const int64_t h2 = w.addService(product, server, "h2");
  auto client = nas.client(server);

  w.sync().sync(*client, server);
  w.sync().sync(*client, server);  // the same sync again (same clock): nothing more
  CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_usage_daily") == 2);
  CHECK(w.db.scalar("SELECT samples FROM mod_puqsynology_usage_daily WHERE service_id = " + sid(h1)) == "1");

  // "Sync usage now" later that day: today's row follows the latest value and keeps the day's maximum.
  nas.control("/usage", {{"users", {{{"name", "h1"}, {"used_mb", 150}}}}});
  w.clock.advance(std::chrono::hours(3));
  w.sync().syncService(*client, server, h1);
  nas.control("/usage", {{"users", {{{"name", "h1"}, {"used_mb", 120}}}}});
  w.clock.advance(std::chrono::hours(1));
  w.sync().sync(*client, server);
  auto row = w.db.rows("SELECT day, used_mb, max_used_mb, samples, updated_at FROM mod_puqsynology_usage_daily"
                       " WHERE service_id = " + sid(h1));
  REQUIRE(row.size() == 1);
  CHECK(*row[0][0] == "2025-03-15");
  CHECK(*row[0][1] == "120");
  CHECK(*row[0][2] == "150");
  CHECK(*row[0][3] == "3");
  CHECK(*row[0][4] == "2025-03-15 16:00:00");
  CHECK(w.hostingField(h1, "diskusage") == "120");

  // The next day gets its own row.
  w.clock.advance(std::chrono::hours(24));
  w.sync().sync(*client, server);
  CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_usage_daily WHERE service_id = " + sid(h1)) == 2);
  CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_usage_daily WHERE service_id = " + sid(h2)) == 2);
  CHECK(w.db.scalar("SELECT used_mb FROM mod_puqsynology_usage_daily WHERE day = '2025-03-16' AND service_id = " +
                    sid(h2)) == "200");
}

TEST_CASE("An interrupted batch transaction leaves nothing partial and a re-run completes", "[usage][history][crash]") {
  UsageWorld w;
  const int64_t server = w.addServer();
  const int64_t product = w.addProduct(usageOptions());
  std::vector<usage::UsageSample> samples;
  std::vector<int64_t> ids;
  for (int i = 0; i < 20; ++i) {
    const int64_t id = w.addService(product, server, "c" + std::to_string(i));
    ids.push_back(id);
    samples.push_back(sample(id, 950 + i));  // every one crosses 90 % of 1000 MB
  }
  auto everything = [&] {
    return std::vector<int64_t>{
        w.count("SELECT COUNT(*) FROM tblhosting WHERE diskusage <> 7"),
        w.count("SELECT COUNT(*) FROM mod_puqsynology_usage_daily"),
        w.count("SELECT COUNT(*) FROM mod_puqsynology_notify_state"),
        w.count("SELECT COUNT(*) FROM mod_puqsynology_outbox"),
    };
  };
  const auto now = w.clock.now();
  const auto today = w.today();

  SECTION("an exception between two statements") {
    for (const std::string step : {"hosting", "history", "state", "outbox"}) {
      INFO(step);
      w.usage_store.test_hook = [step](const std::string& s) {
        if (s == step) throw std::runtime_error("crash after " + step);
      };
      CHECK_THROWS_WITH(w.usage_store.applyUsage(server, samples, today, now), Catch::Contains("crash after"));
      CHECK(everything() == std::vector<int64_t>{0, 0, 0, 0});
    }
  }
  SECTION("the connection killed mid-transaction (server restart): retried whole, once") {
    for (const std::string step : {"hosting", "history", "state", "outbox"}) {
      INFO(step);
      w.db.exec("DELETE FROM mod_puqsynology_usage_daily; DELETE FROM mod_puqsynology_notify_state;"
                " DELETE FROM mod_puqsynology_outbox; UPDATE tblhosting SET diskusage = 7");
      int kills = 0;
      w.usage_store.test_hook = [&](const std::string& s) {
        if (s == step && kills++ == 0) w.db.killOtherConnections();
      };
      const auto r = w.usage_store.applyUsage(server, samples, today, now);
      CHECK(kills == 2);  // the hook ran again in the retry, which it let through
      CHECK(r.hosting_rows == 20);
      CHECK(r.queued == 20);
      CHECK(everything() == std::vector<int64_t>{20, 20, 20, 20});
    }
  }

  // The re-run (the next cron run, or the retry above once more) completes without duplicates or gaps.
  w.usage_store.test_hook = nullptr;
  w.usage_store.applyUsage(server, samples, today, now);
  w.usage_store.applyUsage(server, samples, today, now);
  CHECK(everything() == std::vector<int64_t>{20, 20, 20, 20});
  CHECK(w.count("SELECT MAX(samples) FROM mod_puqsynology_usage_daily") == 1);
  CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_outbox WHERE crossing_seq = 1") == 20);
  CHECK(w.hostingField(ids[5], "diskusage") == "955");
  CHECK(w.hostingField(ids[5], "disklimit") == "1000");
}

TEST_CASE("History is pruned to each product's Save history (days) in bounded deletes", "[usage][history][prune]") {
  UsageWorld w;
  puq::testing::SimNas nas;
  nas.control("/users", {{"users", {{{"name", "keep30"}, {"used_mb", 1}},
                                    {{"name", "keep0"}, {"used_mb", 1}},
                                    {{"name", "keep5"}, {"used_mb", 1}}}}});
  const int64_t server = w.addServer();
  const int64_t keep30 = w.addService(w.addProduct(usageOptions("10", "GB", "90", "", "30")), server, "keep30");
  const int64_t keep0 = w.addService(w.addProduct(usageOptions("10", "GB", "90", "", "0")), server, "keep0");
  const int64_t keep5 = w.addService(w.addProduct(usageOptions("10", "GB", "90", "", "5")), server, "keep5");
  const int64_t other = w.addService(w.addProduct(usageOptions("10", "GB", "90", "", "0")), server + 1000, "x");
  // 60 days of history before today for each (and for a service of another server).
  for (int64_t id : {keep30, keep0, keep5, other}) {
    w.db.exec("INSERT INTO mod_puqsynology_usage_daily (service_id, day, used_mb, max_used_mb, limit_mb, samples,"
              " updated_at) SELECT " + sid(id) + ", DATE_SUB('2025-03-15', INTERVAL seq DAY), seq, seq, 10240, 1,"
              " '2025-01-01 00:00:00' FROM seq_1_to_60");
  }

  const auto report = w.sync().sync(*nas.client(server), server);
  CHECK(report.services_updated == 3);
  // Today's row plus the N days before it.
  CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_usage_daily WHERE service_id = " + sid(keep30)) == 31);
  CHECK(w.db.scalar("SELECT MIN(day) FROM mod_puqsynology_usage_daily WHERE service_id = " + sid(keep30)) ==
        "2025-02-13");
  CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_usage_daily WHERE service_id = " + sid(keep5)) == 6);
  CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_usage_daily WHERE service_id = " + sid(keep0)) == 1);
  CHECK(w.db.scalar("SELECT day FROM mod_puqsynology_usage_daily WHERE service_id = " + sid(keep0)) == "2025-03-15");
  CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_usage_daily WHERE service_id = " + sid(other)) == 60);

  SECTION("deletes are bounded: many small statements give the same result") {
    CHECK(w.usage_store.pruneHistory({other}, 10, w.today(), 7) == 50);
    CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_usage_daily WHERE service_id = " + sid(other)) == 10);
    CHECK(w.usage_store.pruneHistory({other}, 10, w.today(), 7) == 0);
  }
}

TEST_CASE("Daily and monthly aggregates across month boundaries", "[usage][history][chart]") {
  UsageWorld w;
  const int64_t server = w.addServer();
  const int64_t product = w.addProduct(usageOptions("10", "GB", "90", "", "3650"));
  const int64_t id = w.addService(product, server, "chart");
  const int64_t neighbour = w.addService(product, server, "neighbour");
  // 2025-01-20 .. 2025-03-15, used_mb = 10 x day of month, with gaps on 2025-02-10..12 and 2025-03-01.
  w.db.exec("INSERT INTO mod_puqsynology_usage_daily (service_id, day, used_mb, max_used_mb, limit_mb, samples,"
            " updated_at) SELECT " + sid(id) + ", d, 10 * DAYOFMONTH(d), 10 * DAYOFMONTH(d), 10240, 1, d FROM"
            " (SELECT DATE_ADD('2025-01-20', INTERVAL seq DAY) AS d FROM seq_0_to_54) days"
            " WHERE d NOT BETWEEN '2025-02-10' AND '2025-02-12' AND d <> '2025-03-01'");
  w.db.exec("INSERT INTO mod_puqsynology_usage_daily VALUES (" + sid(neighbour) +
            ", '2025-03-14', 99999, 99999, 0, 1, NOW())");
  // A row of an older year, outside the 12 months.
  w.db.exec("INSERT INTO mod_puqsynology_usage_daily VALUES (" + sid(id) + ", '2024-03-31', 5, 5, 0, 1, NOW())");

  SECTION("daily: the last N days, dates without a sample are absent") {
    const auto d = w.usage_store.daily(id, 30, w.today());  // 2025-02-14 .. 2025-03-15
    REQUIRE(d.size() == 29);                                  // 30 days minus 2025-03-01
    CHECK(d.front().date == "2025-02-14");
    CHECK(d.front().used_mb == 140);
    CHECK(d.back().date == "2025-03-15");
    CHECK(d.back().used_mb == 150);
    for (const auto& p : d) CHECK(p.date != "2025-03-01");
    const auto week = w.usage_store.daily(id, 7, w.today());
    REQUIRE(week.size() == 7);
    CHECK(week.front().date == "2025-03-09");
    const auto gap = w.usage_store.daily(id, 36, w.today());  // from 2025-02-08: three gap days missing
    CHECK(gap.size() == 36 - 1 - 3);
  }
  SECTION("monthly: the average of the daily values per calendar month") {
    const auto m = w.usage_store.monthly(id, 12, w.today());
    REQUIRE(m.size() == 3);  // 2024-03-31 is before 2024-04-01
    CHECK(m[0].month == "2025-01");
    CHECK(m[0].days == 12);
    CHECK(m[0].avg_used_mb == 255);  // 10 x (20..31) / 12 = 255
    CHECK(m[1].month == "2025-02");
    CHECK(m[1].days == 25);
    // 10 x (1..28 without 10, 11, 12) / 25 = 10 x (406 - 33) / 25 = 149.2
    CHECK(m[1].avg_used_mb == 149);
    CHECK(m[2].month == "2025-03");
    CHECK(m[2].days == 14);
    // 10 x (2..15) / 14 = 10 x 119 / 14 = 85
    CHECK(m[2].avg_used_mb == 85);
    const auto two = w.usage_store.monthly(id, 2, w.today());
    REQUIRE(two.size() == 2);
    CHECK(two[0].month == "2025-02");
  }
  SECTION("the client-area view") {
    w.db.exec("UPDATE tblhosting SET diskusage = 9500, lastupdate = '2025-03-15 13:00:00' WHERE id = " + sid(id));
    const auto v = w.sync().view(id, 30);
    CHECK(v.username == "chart");
    CHECK_FALSE(v.unlimited);
    CHECK(v.unit == "GB");
    CHECK(v.unit_mb == 1024);
    CHECK(v.disk_limit_mb == 10240);
    CHECK(v.disk_used_mb == 9500);
    CHECK(v.disk_free_mb == 740);
    CHECK(*v.used_percent == Approx(92.8));
    CHECK(*v.free_percent == Approx(7.2));
    CHECK(v.lastupdate == "2025-03-15 13:00:00");
    CHECK(v.notify_percent == 90);
    CHECK(v.show_password == "button");
    CHECK(v.daily.size() == 29);
    CHECK(v.monthly.size() == 3);
    CHECK_THROWS_AS(w.sync().view(id, 0), BadRequest);
    CHECK_THROWS_AS(w.sync().view(id, 3651), BadRequest);
    CHECK_THROWS_AS(w.sync().view(999999, 30), NotFound);
    const auto unsynced = w.sync().view(neighbour, 30);
    CHECK_FALSE(unsynced.lastupdate.has_value());
  }
}
