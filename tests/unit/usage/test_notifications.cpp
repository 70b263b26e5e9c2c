// Threshold notifications: the per-service state machine, the outbox rows it queues (once per
// crossing) with their merge fields, delivery through leases and acks with backoff, and the email
// templates (list, install, and the shipped text shared with the PHP module).
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "puq/common/error.hpp"
#include "puq/usage/figures.hpp"
#include "usage_world.hpp"

using namespace puq;
using puq::testing::sample;
using puq::testing::usageOptions;
using puq::testing::UsageWorld;
using nlohmann::json;

namespace {

std::string sid(int64_t id) { return std::to_string(id); }

struct Outbox : UsageWorld {
  int64_t server = addServer();
  int64_t product = addProduct(usageOptions());

  usage::ApplyResult apply(const std::vector<usage::UsageSample>& samples) {
    return usage_store.applyUsage(server, samples, today(), clock.now());
  }
  int64_t rows(int64_t service_id) {
    return count("SELECT COUNT(*) FROM mod_puqsynology_outbox WHERE service_id = " + sid(service_id));
  }
  // Queues one notification per service (each crosses 90 % of 1000 MB) and returns the service ids.
  std::vector<int64_t> queue(int n) {
    std::vector<usage::UsageSample> samples;
    std::vector<int64_t> ids;
    for (int i = 0; i < n; ++i) {
      ids.push_back(addService(product, server, "q" + std::to_string(i)));
      samples.push_back(sample(ids.back(), 999));
    }
    apply(samples);
    return ids;
  }
};

std::set<int64_t> idsOf(const std::vector<usage::OutboxRow>& rows) {
  std::set<int64_t> out;
  for (const auto& r : rows) out.insert(r.id);
  return out;
}

}  // namespace

TEST_CASE("Merge fields: bytes, unit coefficient, units and percentages", "[usage][figures]") {
  const json gb = usage::diskLimitMergeFields("alice", 9500, 10240, "GB");
  CHECK(gb["username"] == "alice");
  CHECK(gb["disk_used_percentage"] == 92.8);
  CHECK(gb["disk_limit_bytes"] == 10737418240LL);
  CHECK(gb["unit_coefficient"].get<double>() == 1.0 / (1024.0 * 1024.0 * 1024.0));
  CHECK(gb["disk_limit_bytes"].get<double>() * gb["unit_coefficient"].get<double>() == Approx(10.0));
  CHECK(gb["unit"] == "GB");
  CHECK(gb["disk_used_unit"] == 9.28);
  CHECK(gb["disk_free_unit"] == 0.72);
  CHECK(gb["disk_free_percentage"] == 7.2);

  const json mb = usage::diskLimitMergeFields("bob", 900, 1000, "MB");
  CHECK(mb["disk_used_percentage"].is_number_integer());  // 90, not 90.0
  CHECK(mb["disk_used_percentage"] == 90);
  CHECK(mb["unit_coefficient"].get<double>() == 1.0 / (1024.0 * 1024.0));
  CHECK(mb["disk_limit_bytes"].get<double>() * mb["unit_coefficient"].get<double>() == Approx(1000.0));
  CHECK(mb["disk_used_unit"] == 900);
  CHECK(mb["disk_free_unit"] == 100);
  CHECK(mb["disk_free_percentage"] == 10);

  const json tb = usage::diskLimitMergeFields("carol", 2 * 1024 * 1024, 2 * 1024 * 1024, "TB");
  CHECK(tb["unit_coefficient"].get<double>() == std::pow(1024.0, -4));
  CHECK(tb["disk_limit_bytes"].get<double>() * tb["unit_coefficient"].get<double>() == Approx(2.0));
  CHECK(tb["disk_used_percentage"] == 100);
  CHECK(tb["disk_free_unit"] == 0);
  CHECK(tb["disk_free_percentage"] == 0);

  const json over = usage::diskLimitMergeFields("dave", 1500, 1000, "MB");  // over the displayed size
  CHECK(over["disk_used_percentage"] == 150);
  CHECK(over["disk_free_unit"] == 0);
  CHECK(over["disk_free_percentage"] == 0);

  CHECK(usage::atOrAboveThreshold(900, 1000, 90));
  CHECK_FALSE(usage::atOrAboveThreshold(899, 1000, 90));
  CHECK_FALSE(usage::atOrAboveThreshold(1 << 30, 0, 1));  // unlimited
  CHECK(usage::retryBackoff(1) == std::chrono::minutes(1));
  CHECK(usage::retryBackoff(2) == std::chrono::minutes(5));
  CHECK(usage::retryBackoff(3) == std::chrono::minutes(30));
  CHECK(usage::retryBackoff(4) == std::chrono::hours(2));
  CHECK(usage::retryBackoff(19) == std::chrono::hours(12));
}

TEST_CASE("Crossing Notify at % queues exactly one email per crossing", "[usage][notify]") {
  Outbox w;
  const int64_t id = w.addService(w.product, w.server, "alice");
  auto apply = [&](int64_t used) { return w.apply({sample(id, used)}); };

  apply(800);
  CHECK(w.rows(id) == 0);
  CHECK_FALSE(w.usage_store.notifyState(id).has_value());

  CHECK(apply(900).queued == 1);  // exactly 90 %: at the threshold counts
  CHECK(w.rows(id) == 1);
  for (int64_t used : {950, 990, 1200}) {  // staying above over 3 syncs
    w.clock.advance(std::chrono::hours(24));
    CHECK(apply(used).queued == 0);
  }
  CHECK(w.rows(id) == 1);
  auto state = w.usage_store.notifyState(id);
  REQUIRE(state);
  CHECK(state->above);
  CHECK(state->crossings == 1);
  CHECK(state->crossed_at == "2025-03-15 12:00:00");

  w.clock.advance(std::chrono::hours(24));
  CHECK(apply(500).rearmed == 1);  // falls below: re-armed, nothing sent
  CHECK_FALSE(w.usage_store.notifyState(id)->above);
  CHECK(w.rows(id) == 1);
  w.clock.advance(std::chrono::hours(24));
  CHECK(apply(950).queued == 1);  // crosses again: a second email
  CHECK(apply(950).queued == 0);  // the same sync re-run
  CHECK(w.rows(id) == 2);
  const auto rows = w.usage_store.outboxOf(id);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].crossing_seq == 1);
  CHECK(rows[1].crossing_seq == 2);
  CHECK(rows[1].status == "pending");
  CHECK(rows[1].kind == "disk_limit");
  CHECK(rows[1].template_name == "puqSynology Notification disk limit");
  CHECK(rows[1].customvars["disk_used_percentage"] == 95);
  CHECK(rows[1].customvars["username"] == "user" + sid(id));
  CHECK(w.usage_store.notifyState(id)->crossings == 2);
}

TEST_CASE("Template None tracks the state without queuing; unlimited never notifies", "[usage][notify]") {
  Outbox w;
  const int64_t none = w.addService(w.product, w.server, "none");
  const int64_t unlimited = w.addService(w.product, w.server, "unlimited");
  w.apply({sample(none, 990, 1000, ""), sample(unlimited, 1 << 30, 0)});
  CHECK(w.rows(none) == 0);
  CHECK(w.usage_store.notifyState(none)->above);
  CHECK(w.usage_store.notifyState(none)->crossings == 1);
  CHECK(w.rows(unlimited) == 0);
  CHECK_FALSE(w.usage_store.notifyState(unlimited).has_value());

  // A template chosen while already above: no email until the next crossing.
  w.apply({sample(none, 995, 1000)});
  CHECK(w.rows(none) == 0);
  w.apply({sample(none, 10, 1000)});
  w.apply({sample(none, 995, 1000)});
  CHECK(w.rows(none) == 1);
  CHECK(w.usage_store.outboxOf(none)[0].crossing_seq == 2);
}

TEST_CASE("A sync through the simulator queues the email with the product's unit", "[usage][notify][sync]") {
  UsageWorld w;
  puq::testing::SimNas nas;
  nas.control("/users", {{"users", {{{"name", "full"}, {"used_mb", 9500}}, {{"name", "empty"}, {"used_mb", 10}}}}});
  const int64_t server = w.addServer();
  const int64_t product = w.addProduct(usageOptions("10", "GB", "90%", "puqSynology Notification disk limit"));
  const int64_t full = w.addService(product, server, "full");
  const int64_t empty = w.addService(product, server, "empty");
  auto client = nas.client(server);
  for (int run = 0; run < 3; ++run) {
    w.clock.advance(std::chrono::hours(1));
    w.sync().sync(*client, server);
  }
  CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_outbox WHERE service_id = " + sid(empty)) == 0);
  const auto rows = w.usage_store.outboxOf(full);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].customvars == json{{"disk_used_percentage", 92.8},
                                   {"username", "full"},
                                   {"disk_limit_bytes", 10737418240LL},
                                   {"unit_coefficient", 1.0 / (1024.0 * 1024.0 * 1024.0)},
                                   {"unit", "GB"},
                                   {"disk_used_unit", 9.28},
                                   {"disk_free_unit", 0.72},
                                   {"disk_free_percentage", 7.2}});
}

TEST_CASE("Delivery: leases, acks, backoff, never dropped", "[usage][outbox]") {
  Outbox w;
  usage::Notifications n(w.usage_store, w.clock);
  const auto services = w.queue(3);

  const auto first = n.pending();
  REQUIRE(first.size() == 3);
  CHECK(first[0].attempts == 0);
  CHECK(first[0].customvars["disk_used_percentage"] == 99.9);
  CHECK(n.pending().empty());  // leased to the first caller for 5 minutes
  w.clock.advance(std::chrono::seconds(299));
  CHECK(n.pending().empty());
  w.clock.advance(std::chrono::seconds(1));
  REQUIRE(n.pending().size() == 3);  // the lease ran out without an ack: handed out again

  SECTION("sent: never pending again, and a second ack changes nothing") {
    CHECK(n.ack(first[0].id, "sent") == "sent");
    CHECK(n.ack(first[0].id, "sent") == "sent");
    CHECK(n.ack(first[0].id, "failed", "late failure") == "sent");  // never re-queued
    w.clock.advance(std::chrono::hours(1));
    const auto again = n.pending();
    CHECK(again.size() == 2);
    CHECK(idsOf(again).count(first[0].id) == 0);
    const auto row = w.usage_store.outboxRow(first[0].id);
    CHECK(row->status == "sent");
    CHECK(row->sent_at == "2025-03-15 12:05:00");
  }
  SECTION("failed: pending again only after the backoff") {
    const int64_t id = first[1].id;
    CHECK(n.ack(id, "failed", "Sending Failed") == "pending");
    CHECK(n.ack(id, "failed", "Sending Failed") == "pending");  // the same ack twice counts once
    auto row = w.usage_store.outboxRow(id);
    CHECK(row->attempts == 1);
    CHECK(row->last_error == "Sending Failed");
    CHECK(row->next_attempt_at == "2025-03-15 12:06:00");
    w.clock.advance(std::chrono::seconds(59));
    CHECK(idsOf(n.pending()).count(id) == 0);
    w.clock.advance(std::chrono::seconds(1));
    auto due = n.pending();
    REQUIRE(idsOf(due).count(id) == 1);
    CHECK(std::find_if(due.begin(), due.end(), [&](const auto& r) { return r.id == id; })->attempts == 1);
    CHECK(n.ack(id, "failed", "again") == "pending");
    CHECK(w.usage_store.outboxRow(id)->next_attempt_at == "2025-03-15 12:11:00");  // 5 minutes
  }
  SECTION("after 20 failed attempts it is kept as failed") {
    const int64_t id = first[2].id;
    std::string status;
    for (int attempt = 1; attempt <= usage::Notifications::kMaxAttempts; ++attempt) {
      INFO(attempt);
      if (attempt > 1) {
        w.clock.advance(std::chrono::hours(13));
        REQUIRE(idsOf(n.pending()).count(id) == 1);
      }
      status = n.ack(id, "failed", "attempt " + std::to_string(attempt));
      CHECK(status == (attempt < usage::Notifications::kMaxAttempts ? "pending" : "failed"));
    }
    w.clock.advance(std::chrono::hours(100));
    CHECK(idsOf(n.pending()).count(id) == 0);
    const auto row = w.usage_store.outboxRow(id);
    REQUIRE(row);
    CHECK(row->status == "failed");
    CHECK(row->attempts == 20);
    CHECK(row->last_error == "attempt 20");
    CHECK(n.ack(id, "failed") == "failed");
    CHECK(n.ack(id, "sent") == "sent");  // a late success still counts
  }
  SECTION("unknown ids and bad input") {
    CHECK_THROWS_AS(n.ack(987654, "sent"), NotFound);
    CHECK_THROWS_AS(n.ack(first[0].id, "maybe"), BadRequest);
    CHECK_THROWS_AS(n.pending(0), BadRequest);
    CHECK_THROWS_AS(n.pending(501), BadRequest);
    CHECK(n.pending(1).size() <= 1);
  }
  CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_outbox") == 3);  // nothing is ever deleted
  (void)services;
}

TEST_CASE("Senders leasing at once never get the same notification", "[usage][outbox][concurrency]") {
  Outbox w;
  usage::Notifications n(w.usage_store, w.clock);
  w.queue(200);
  std::mutex mutex;
  std::vector<int64_t> handed_out;
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&] {
      for (;;) {
        const auto rows = n.pending(7);
        if (rows.empty()) return;
        std::lock_guard<std::mutex> lock(mutex);
        for (const auto& r : rows) handed_out.push_back(r.id);
      }
    });
  }
  for (auto& s : senders) s.join();
  const std::set<int64_t> distinct(handed_out.begin(), handed_out.end());
  CHECK(handed_out.size() == 200);  // none twice
  CHECK(distinct.size() == 200);    // none left behind
  CHECK(n.pending().empty());
  w.clock.advance(std::chrono::minutes(5));  // unacknowledged leases run out: all due again
  CHECK(n.pending(500).size() == 200);
}

TEST_CASE("Email templates: the product list and an idempotent install", "[usage][templates]") {
  UsageWorld w;
  usage::EmailTemplates templates(w.usage_store);
  auto add = [&](const std::string& type, const std::string& name, const std::string& language) {
    w.db.exec("INSERT INTO tblemailtemplates (type, name, subject, message, language) VALUES (" + w.db.quote(type) +
              ", " + w.db.quote(name) + ", 's', 'm', " + w.db.quote(language) + ")");
  };
  add("product", "Hosting Account Welcome Email", "");
  add("product", "Hosting Account Welcome Email", "french");
  add("general", "Client Signup Email", "");
  add("product", "Another Product Email", "");

  CHECK(templates.list() == std::vector<std::string>{"Another Product Email", "Hosting Account Welcome Email"});
  const auto first = templates.install();
  CHECK(first.name == "puqSynology Notification disk limit");
  CHECK(first.created);
  CHECK_FALSE(templates.install().created);
  CHECK(templates.list() == std::vector<std::string>{"Another Product Email", "Hosting Account Welcome Email",
                                                     "puqSynology Notification disk limit"});
  const auto row = w.db.rows(
      "SELECT type, subject, message, custom, disabled, language, plaintext FROM tblemailtemplates"
      " WHERE name = 'puqSynology Notification disk limit'");
  REQUIRE(row.size() == 1);
  CHECK(*row[0][0] == "product");
  CHECK(*row[0][1] == "Disk space usage {$disk_used_percentage} % - {$username}");
  CHECK(*row[0][2] == usage::parseTemplateFile(usage::kDiskLimitTemplateFile).body);
  CHECK(row[0][2]->find("{$disk_limit_bytes*$unit_coefficient} {$unit}") != std::string::npos);
  CHECK(*row[0][3] == "1");
  CHECK(*row[0][4] == "0");
  CHECK(*row[0][5] == "");
  CHECK(*row[0][6] == "0");

  SECTION("a template of that name in another case counts as installed") {
    w.db.exec("DELETE FROM tblemailtemplates WHERE name = 'puqSynology Notification disk limit'");
    add("product", "PUQSYNOLOGY notification DISK LIMIT", "");
    CHECK_FALSE(templates.install().created);
  }
  SECTION("two installs at once insert once") {
    w.db.exec("DELETE FROM tblemailtemplates WHERE name = 'puqSynology Notification disk limit'");
    bool ca = false, cb = false;
    std::thread ta([&] { ca = templates.install().created; });
    std::thread tb([&] { cb = templates.install().created; });
    ta.join();
    tb.join();
    CHECK(ca != cb);
    CHECK(w.count("SELECT COUNT(*) FROM tblemailtemplates WHERE name = 'puqSynology Notification disk limit'") == 1);
  }
}

TEST_CASE("The embedded template text is the PHP module's disk-limit.tpl.txt", "[usage][templates][contract]") {
  const auto embedded = usage::parseTemplateFile(usage::kDiskLimitTemplateFile);
  CHECK(embedded.name == usage::kDiskLimitTemplateName);
  CHECK(embedded.type == "product");
  CHECK(embedded.subject == "Disk space usage {$disk_used_percentage} % - {$username}");
  for (const char* field : {"{$client_name}", "{$service_product_name}", "{$service_next_due_date}", "{$username}",
                            "{$disk_limit_bytes*$unit_coefficient} {$unit}",
                            "{$disk_used_unit} {$unit} ({$disk_used_percentage} %)",
                            "{$disk_free_unit} {$unit} ({$disk_free_percentage} %)", "{$signature}"}) {
    CHECK(embedded.body.find(field) != std::string::npos);
  }

  std::string source_dir = PUQ_SOURCE_DIR;
  if (const char* d = std::getenv("PUQ_SOURCE_DIR"); d && *d) source_dir = d;
  const std::string path = source_dir + "/php-shim/modules/servers/puqSynology/email/disk-limit.tpl.txt";
  std::ifstream in(path, std::ios::binary);
  INFO(path);
  REQUIRE(in.good());  // the PHP module ships the same text; the two must never drift
  std::ostringstream text;
  text << in.rdbuf();
  const auto shipped = usage::parseTemplateFile(text.str());
  CHECK(shipped.name == embedded.name);
  CHECK(shipped.type == embedded.type);
  CHECK(shipped.subject == embedded.subject);
  CHECK(shipped.body == embedded.body);
}
