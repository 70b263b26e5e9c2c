// UsageSync against the DSM simulator and a real MariaDB: what one sync writes to tblhosting and the
// history, what it leaves alone, how many DSM requests it makes, and how it reports a missing user, a
// failed batch, an expired session, a NAS that is down and a product with invalid settings.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <thread>

#include "puq/common/error.hpp"
#include "puq/dsm/errors.hpp"
#include "usage_world.hpp"

using namespace puq;
using puq::testing::simStats;
using puq::testing::simUsage;
using puq::testing::usageOptions;
using puq::testing::UsageWorld;
using nlohmann::json;

namespace {

std::vector<std::string> generatedNames(const std::string& prefix, int count) {
  std::vector<std::string> names;
  for (int i = 1; i <= count; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%04d", prefix.c_str(), i);
    names.push_back(buf);
  }
  return names;
}

void generate(puq::testing::SimNas& nas, const std::string& prefix, int count, int64_t seed = 42) {
  nas.control("/usage", {{"generate",
                          {{"prefix", prefix},
                           {"count", count},
                           {"used_mb_min", 0},
                           {"used_mb_max", 12000},
                           {"quota_mb", 10240},
                           {"seed", seed}}}});
}

}  // namespace

TEST_CASE("A sync of 1,000 users on two NAS writes exactly what each NAS holds", "[usage][sync][scale]") {
  UsageWorld w;
  puq::testing::SimNas nas_a, nas_b;
  generate(nas_a, "a", 500, 1);
  generate(nas_b, "b", 500, 2);
  nas_a.control("/users", {{"users", {{{"name", "gone1"}, {"used_mb", 55}},
                                      {{"name", "gone2"}, {"used_mb", 55}},
                                      {{"name", "gone3"}, {"used_mb", 55}}}}});

  const int64_t server_a = w.addServer("NAS A"), server_b = w.addServer("NAS B"), server_c = w.addServer("NAS C");
  const int64_t product = w.addProduct(usageOptions("10", "GB", "90", "None"));
  const auto ids_a = w.addServices(product, server_a, generatedNames("a", 500));
  const auto ids_b = w.addServices(product, server_b, generatedNames("b", 500));
  // Left alone: terminal services on the synced server, and a service of another server.
  const int64_t terminated = w.addService(product, server_a, "gone1", "Terminated");
  const int64_t cancelled = w.addService(product, server_a, "gone2", "Cancelled");
  const int64_t fraud = w.addService(product, server_a, "gone3", "Fraud");
  const int64_t elsewhere = w.addService(product, server_c, "a0001");
  REQUIRE(ids_a.size() == 500);
  REQUIRE(ids_b.size() == 500);

  auto sync = w.sync();
  auto client_a = nas_a.client(server_a);
  auto client_b = nas_b.client(server_b);
  nas_a.control("/stats/reset");
  nas_b.control("/stats/reset");

  // Both NAS at once, as the WHMCS cron does with several servers.
  usage::SyncReport report_a, report_b;
  const auto started = std::chrono::steady_clock::now();
  std::thread ta([&] { report_a = sync.sync(*client_a, server_a); });
  std::thread tb([&] { report_b = sync.sync(*client_b, server_b); });
  ta.join();
  tb.join();
  const auto wall_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();

  for (auto* r : {&report_a, &report_b}) {
    CHECK(r->services_updated == 500);
    CHECK(r->users_read == 500);
    CHECK(r->missing.empty());
    CHECK(r->errors.empty());
    CHECK(r->dsm_requests == 10);  // ceil(500 / 50)
  }
  CHECK(report_a.server_id == server_a);
  CHECK(report_b.server_id == server_b);

  // DSM: the compound requests plus discovery and one login per NAS.
  for (auto* nas : {&nas_a, &nas_b}) {
    const json stats = simStats(*nas);
    CHECK(stats["logins"] == 1);
    CHECK(stats["subrequests"] == 500);
    CHECK(stats["requests"].get<int64_t>() >= 11);
    CHECK(stats["requests"].get<int64_t>() <= 13);
  }
  std::printf("usage sync of 1,000 users on 2 NAS: %lld ms wall (A %lld ms, B %lld ms), DSM requests A %lld"
              " (+%lld discovery/login), B %lld\n",
              static_cast<long long>(wall_ms), static_cast<long long>(report_a.duration_ms),
              static_cast<long long>(report_b.duration_ms), static_cast<long long>(report_a.dsm_requests),
              static_cast<long long>(simStats(nas_a)["requests"].get<int64_t>() - report_a.dsm_requests),
              static_cast<long long>(report_b.dsm_requests));

  // tblhosting and today's history equal what each simulator holds.
  const std::string today = w.today().str();
  for (auto [nas, server] : {std::pair{&nas_a, server_a}, std::pair{&nas_b, server_b}}) {
    const auto held = simUsage(*nas);
    int checked = 0;
    for (const auto& row : w.db.rows(
             "SELECT h.username, h.diskusage, h.disklimit, h.lastupdate, d.used_mb, d.limit_mb, d.samples"
             " FROM tblhosting h LEFT JOIN mod_puqsynology_usage_daily d ON d.service_id = h.id AND d.day = '" +
             today + "' WHERE h.server = " + std::to_string(server) + " AND h.domainstatus = 'Active'")) {
      INFO(*row[0]);
      REQUIRE(held.count(*row[0]) == 1);
      CHECK(std::stoll(*row[1]) == held.at(*row[0]));
      CHECK(*row[2] == "10240");
      CHECK(row[3]->rfind("0000", 0) != 0);
      REQUIRE(row[4].has_value());
      CHECK(std::stoll(*row[4]) == held.at(*row[0]));
      CHECK(*row[5] == "10240");
      CHECK(*row[6] == "1");
      ++checked;
    }
    CHECK(checked == 500);
  }
  for (int64_t id : {terminated, cancelled, fraud, elsewhere}) {
    INFO(id);
    CHECK(w.hostingField(id, "diskusage") == "7");
    CHECK(w.hostingField(id, "lastupdate") == "0000-00-00 00:00:00");
    CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_usage_daily WHERE service_id = " + std::to_string(id)) == 0);
  }
  CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_usage_daily") == 1000);
}

TEST_CASE("A user missing on the NAS is reported and the others are written", "[usage][sync]") {
  UsageWorld w;
  puq::testing::SimNas nas;
  nas.control("/users", {{"users", {{{"name", "alice"}, {"used_mb", 1000}}, {{"name", "bob"}, {"used_mb", 2000}}}}});
  const int64_t server = w.addServer();
  const int64_t product = w.addProduct(usageOptions());
  const int64_t alice = w.addService(product, server, "alice");
  const int64_t ghost = w.addService(product, server, "ghost");
  const int64_t bob = w.addService(product, server, "bob");

  auto sync = w.sync();
  const auto report = sync.sync(*nas.client(server), server);
  CHECK(report.missing == std::vector<std::string>{"ghost"});
  CHECK(report.errors.empty());
  CHECK(report.users_read == 2);
  CHECK(report.services_updated == 2);
  CHECK(w.hostingField(alice, "diskusage") == "1000");
  CHECK(w.hostingField(bob, "diskusage") == "2000");
  CHECK(w.hostingField(ghost, "diskusage") == "7");
  CHECK(w.hostingField(ghost, "lastupdate") == "0000-00-00 00:00:00");

  SECTION("a per-user DSM error is an error, not a missing user") {
    nas.control("/faults", {{"fail", {{{"api", "SYNO.Core.Quota"}, {"method", "get"}, {"code", 3101}, {"count", 1}}}}});
    w.options.max_in_flight = 1;
    auto again = w.sync().sync(*nas.client(server), server);
    // The simulator runs sub-requests in parallel: any one of the three may get the fault.
    REQUIRE(again.errors.size() == 1);
    CHECK(again.errors[0].message.find("3101") != std::string::npos);
    CHECK(again.services_updated + static_cast<int64_t>(again.missing.size()) == 2);
  }
}

TEST_CASE("A failing batch is reported and the other batches are written", "[usage][sync][faults]") {
  UsageWorld w;
  puq::testing::SimNas nas;
  generate(nas, "f", 120);
  const int64_t server = w.addServer();
  const int64_t product = w.addProduct(usageOptions());
  const auto ids = w.addServices(product, server, generatedNames("f", 120));
  w.options.batch_size = 50;
  w.options.max_in_flight = 1;  // batches in order, so the failing one is the first
  auto client = nas.client(server);
  client->info();  // log in before the fault is armed (SYNO.Entry.Request only)

  // Fails the one call's first batch and that batch again when it is read alone.
  nas.control("/faults", {{"fail", {{{"api", "SYNO.Entry.Request"}, {"method", "request"}, {"code", 100}, {"count", 2}}}}});
  const auto report = w.sync().sync(*client, server);
  CHECK(report.errors.size() == 50);
  CHECK(report.services_updated == 70);
  CHECK(report.users_read == 70);
  CHECK(report.dsm_requests == 6);  // 3 in the one call (at most), then 3 one by one
  const auto held = simUsage(nas);
  REQUIRE(held.size() >= 120);
  for (const auto& [name, id] : ids) {
    INFO(name);
    const bool in_failed_batch = name <= "f0050";
    CHECK(w.hostingField(id, "diskusage") == (in_failed_batch ? "7" : std::to_string(held.at(name))));
  }
  CHECK(report.errors.front().username == "f0001");
  CHECK(report.errors.front().message.find("127.0.0.1") != std::string::npos);  // names the NAS

  SECTION("every batch failing is a DSM failure naming the NAS, and nothing is written") {
    nas.control("/faults", {{"fail", {{{"api", "SYNO.Entry.Request"}, {"method", "request"}, {"code", 100}, {"count", -1}}}}});
    w.clock.advance(std::chrono::hours(1));
    const std::string before = w.hostingField(ids.at("f0100"), "lastupdate");
    try {
      w.sync().sync(*client, server);
      FAIL("expected a DsmError");
    } catch (const dsm::DsmError& e) {
      CHECK(std::string(e.what()).find("127.0.0.1:" + std::to_string(nas.sim().httpPort())) != std::string::npos);
    }
    CHECK(w.hostingField(ids.at("f0100"), "lastupdate") == before);
  }
}

TEST_CASE("A NAS that is down or refuses the login fails the sync at once", "[usage][sync][faults]") {
  UsageWorld w;
  const int64_t server = w.addServer();
  const int64_t product = w.addProduct(usageOptions());
  w.addServices(product, server, generatedNames("x", 120));

  SECTION("wrong password") {
    puq::testing::SimNas nas;
    auto endpoint = nas.endpoint(server);
    endpoint.password = "wrong";
    auto client = dsm::makeHttpClient(endpoint);
    CHECK_THROWS_AS(w.sync().sync(*client, server), dsm::DsmError);
    CHECK(simStats(nas)["logins"] == 0);
  }
  SECTION("nothing listening") {
    auto endpoint = puq::testing::SimNas().endpoint(server);  // the simulator is gone again: a closed port
    endpoint.connect_timeout_ms = 1000;
    auto client = dsm::makeHttpClient(endpoint);
    const auto started = std::chrono::steady_clock::now();
    try {
      w.sync().sync(*client, server);
      FAIL("expected a DsmError");
    } catch (const dsm::DsmError& e) {
      CHECK(e.code() == "dsm_unreachable");
    }
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  }
  CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_usage_daily") == 0);
}

TEST_CASE("A session that expires in the middle of a sync costs one re-login", "[usage][sync][session]") {
  UsageWorld w;
  puq::testing::SimNas nas;
  generate(nas, "s", 100);
  const int64_t server = w.addServer();
  const int64_t product = w.addProduct(usageOptions());
  w.addServices(product, server, generatedNames("s", 100));
  w.options.batch_size = 10;
  w.options.max_in_flight = 1;
  nas.control("/faults", {{"subrequest_latency_ms", 3}});  // ~30 ms per batch: room to expire the session
  auto client = nas.client(server);

  std::atomic<bool> expired{false};
  std::thread expirer([&] {
    // After the login and the first two batches: the rest of the sync runs on a dead session.
    for (int i = 0; i < 2000; ++i) {
      if (simStats(nas)["subrequests"].get<int64_t>() >= 20) {
        nas.control("/faults", {{"expire_sessions", 119}});
        expired = true;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  const auto report = w.sync().sync(*client, server);
  expirer.join();
  REQUIRE(expired);
  CHECK(report.errors.empty());
  CHECK(report.services_updated == 100);
  const json stats = simStats(nas);
  CHECK(stats["logins"] == 2);  // the first login and exactly one re-login
  CHECK(stats["subrequests"].get<int64_t>() <= 110);  // at most one batch was refused and asked again
}

TEST_CASE("A product with an invalid setting is reported for its services, the others are synced",
          "[usage][sync][settings]") {
  UsageWorld w;
  puq::testing::SimNas nas;
  nas.control("/users", {{"users", {{{"name", "good"}, {"used_mb", 10}}, {{"name", "bad"}, {"used_mb", 20}}}}});
  const int64_t server = w.addServer();
  const int64_t good_product = w.addProduct(usageOptions());
  const int64_t bad_product = w.addProduct(usageOptions("-5"), "Broken product");
  const int64_t good = w.addService(good_product, server, "good");
  const int64_t bad = w.addService(bad_product, server, "bad");

  const auto report = w.sync().sync(*nas.client(server), server);
  REQUIRE(report.errors.size() == 1);
  CHECK(report.errors[0].username == "bad");
  CHECK(report.errors[0].message.find("Disk size") != std::string::npos);
  CHECK(report.errors[0].message.find("Broken product") != std::string::npos);
  CHECK(report.services_updated == 1);
  CHECK(report.dsm_requests == 1);
  CHECK(w.hostingField(good, "diskusage") == "10");
  CHECK(w.hostingField(bad, "diskusage") == "7");
}

TEST_CASE("Sync usage now updates one service and checks that it belongs to the server", "[usage][sync]") {
  UsageWorld w;
  puq::testing::SimNas nas;
  nas.control("/users", {{"users", {{{"name", "one"}, {"used_mb", 300}}, {{"name", "two"}, {"used_mb", 400}}}}});
  const int64_t server = w.addServer(), other_server = w.addServer("Other");
  const int64_t product = w.addProduct(usageOptions("1", "GB"));
  const int64_t one = w.addService(product, server, "one");
  const int64_t two = w.addService(product, server, "two");
  auto client = nas.client(server);
  auto sync = w.sync();

  const auto report = sync.syncService(*client, server, one);
  CHECK(report.services_updated == 1);
  CHECK(report.users_read == 1);
  CHECK(w.hostingField(one, "diskusage") == "300");
  CHECK(w.hostingField(one, "disklimit") == "1024");
  CHECK(w.hostingField(two, "diskusage") == "7");

  CHECK_THROWS_AS(sync.syncService(*client, other_server, one), Conflict);
  CHECK_THROWS_AS(sync.syncService(*client, server, 999999), NotFound);
  w.db.exec("UPDATE tblhosting SET domainstatus = 'Terminated' WHERE id = " + std::to_string(two));
  CHECK_THROWS_AS(sync.syncService(*client, server, two), Conflict);
  const int64_t unprovisioned = w.addService(product, server, "");
  CHECK_THROWS_AS(sync.syncService(*client, server, unprovisioned), Conflict);
}

TEST_CASE("An unlimited product writes disklimit 0 and usage as read", "[usage][sync]") {
  UsageWorld w;
  puq::testing::SimNas nas;
  nas.control("/users", {{"users", {{{"name", "big"}, {"used_mb", 5000000}}}}});
  const int64_t server = w.addServer();
  const int64_t product = w.addProduct(usageOptions("0", "TB", "50", "puqSynology Notification disk limit"));
  const int64_t big = w.addService(product, server, "big");
  const auto report = w.sync().sync(*nas.client(server), server);
  CHECK(report.services_updated == 1);
  CHECK(w.hostingField(big, "diskusage") == "5000000");
  CHECK(w.hostingField(big, "disklimit") == "0");
  CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_outbox") == 0);
  CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_notify_state") == 0);
}

TEST_CASE("A server without services makes no DSM request", "[usage][sync]") {
  UsageWorld w;
  puq::testing::SimNas nas;
  const int64_t server = w.addServer();
  const int64_t product = w.addProduct(usageOptions());
  w.addService(product, server, "terminated", "Terminated");
  w.addService(product, server, "");  // not provisioned yet
  nas.control("/stats/reset");
  const auto report = w.sync().sync(*nas.client(server), server);
  CHECK(report.services_updated == 0);
  CHECK(report.users_read == 0);
  CHECK(report.dsm_requests == 0);
  CHECK(simStats(nas)["requests"] == 0);
  CHECK_THROWS_AS(w.sync().sync(*nas.client(0), 0), BadRequest);
}

TEST_CASE("A sync reads and writes in slices; a failed write keeps the slices before it", "[usage][sync][pipeline]") {
  UsageWorld w;
  puq::testing::SimNas nas;
  generate(nas, "p", 130);
  const int64_t server = w.addServer();
  const int64_t product = w.addProduct(usageOptions());
  const auto ids = w.addServices(product, server, generatedNames("p", 130));
  w.options.batch_size = 10;
  w.options.max_in_flight = 1;  // slices of 10 x 1 x 5 = 50 users: 50, 50, 30
  auto client = nas.client(server);
  const auto held = simUsage(nas);

  SECTION("every slice is read and written once") {
    std::vector<std::string> steps;
    w.usage_store.test_hook = [&](const std::string& step) { steps.push_back(step); };
    const auto report = w.sync().sync(*client, server);
    CHECK(report.services_updated == 130);
    CHECK(report.users_read == 130);
    CHECK(report.dsm_requests == 13);
    CHECK(report.errors.empty());
    CHECK(std::count(steps.begin(), steps.end(), "hosting") == 3);  // one transaction per slice
    for (const auto& [name, id] : ids) {
      INFO(name);
      CHECK(w.hostingField(id, "diskusage") == std::to_string(held.at(name)));
    }
    CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_usage_daily") == 130);
  }
  SECTION("a database failure in the second slice's write fails the sync; the first slice stays, and the rerun "
          "completes with no duplicate") {
    int writes = 0;
    w.usage_store.test_hook = [&](const std::string& step) {
      if (step == "hosting" && ++writes == 2) throw std::runtime_error("injected: the database went away");
    };
    CHECK_THROWS_WITH(w.sync().sync(*client, server), Catch::Contains("injected"));
    CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_usage_daily") == 50);
    CHECK(w.hostingField(ids.at("p0001"), "diskusage") == std::to_string(held.at("p0001")));
    CHECK(w.hostingField(ids.at("p0051"), "diskusage") == "7");   // rolled back with its transaction
    CHECK(w.hostingField(ids.at("p0130"), "diskusage") == "7");   // never written

    w.usage_store.test_hook = nullptr;
    const auto report = w.sync().sync(*client, server);
    CHECK(report.services_updated == 130);
    CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_usage_daily") == 130);
    CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_usage_daily WHERE samples = 1") == 130);
  }
}
