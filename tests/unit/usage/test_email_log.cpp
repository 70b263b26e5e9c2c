// Emails exactly once: a notification whose sender died between SendEmail and the acknowledgement is
// recognised in WHMCS's email log (tblemails) and marked sent instead of being sent again; one that
// never went out is handed out again. Plus the subject matcher this relies on.
#include <catch2/catch.hpp>
#include <set>

#include "puq/usage/email_log.hpp"
#include "puq/usage/notifications.hpp"
#include "usage_world.hpp"

using namespace puq;
using nlohmann::json;
using puq::testing::sample;
using puq::testing::usageOptions;
using puq::testing::UsageWorld;
using usage::SubjectPattern;

TEST_CASE("SubjectPattern: the template subject with the notification's strings filled in", "[usage][email_log]") {
  const json vars = {{"username", "alice-7"}, {"disk_used_percentage", 91.8}, {"unit", "GB"}};
  const std::string shipped = "Disk space usage {$disk_used_percentage} % - {$username}";

  SubjectPattern p(shipped, vars);
  REQUIRE(p.usable());
  CHECK(p.matches("Disk space usage 91.8 % - alice-7"));
  CHECK(p.matches("  Disk space usage 91.8 % - alice-7 "));  // WHMCS may trim; so do we
  CHECK(p.matches("Disk space usage 91,8 % - alice-7"));     // numbers match any text (locale, rounding)
  CHECK_FALSE(p.matches("Disk space usage 91.8 % - bob-2"));   // another service's email
  CHECK_FALSE(p.matches("Disk space usage 91.8 % - alice-77"));
  CHECK_FALSE(p.matches("Invoice #12 created"));
  CHECK_FALSE(p.matches("Re: Disk space usage 91.8 % - alice-7"));

  SECTION("literal subjects match exactly") {
    SubjectPattern literal("Low disk space", vars);
    CHECK(literal.matches("Low disk space"));
    CHECK_FALSE(literal.matches("Low disk space!"));
  }
  SECTION("WHMCS's own merge fields, modifiers and blocks match any text") {
    SubjectPattern q("{$client_name}: {$username|upper} is {if $x}nearly {/if}full ({$unit})", vars);
    REQUIRE(q.usable());
    CHECK(q.matches("Ann Smith: ALICE-7 is nearly full (GB)"));  // {$unit} is a string: filled in
    CHECK(q.matches("Ann Smith: ALICE-7 is full (GB)"));
    CHECK_FALSE(q.matches("Ann Smith: ALICE-7 is full (MB)"));
    SubjectPattern nested("{if $a}Almost {if $b}very {/if}{else}Completely {/if}full: {$username}", vars);
    CHECK(nested.matches("Completely full: alice-7"));
    CHECK(nested.matches("Almost very full: alice-7"));
    CHECK_FALSE(nested.matches("Completely full: bob"));
  }
  SECTION("a subject with almost no literal text proves nothing") {
    CHECK_FALSE(SubjectPattern("{$subject}", vars).usable());
    CHECK_FALSE(SubjectPattern("{$subject}", vars).matches("anything"));
    CHECK_FALSE(SubjectPattern("{$a} - {$b}", vars).usable());
    CHECK(SubjectPattern("{$username}", vars).usable());  // filled in: "alice-7" is literal text
  }
  SECTION("a brace followed by a space is literal, as in Smarty") {
    SubjectPattern q("Usage { high }", vars);
    CHECK(q.matches("Usage { high }"));
  }
}

namespace {

// Three notifications to one client (the UsageWorld client), template installed with `subject`.
struct Delivery : UsageWorld {
  int64_t server = addServer();
  int64_t product = addProduct(usageOptions());
  usage::Notifications n{usage_store, clock};
  std::vector<int64_t> services;

  explicit Delivery(const std::string& subject = "Disk space usage {$disk_used_percentage} % - {$username}") {
    usage_store.installProductTemplate("puqSynology Notification disk limit", subject, "<p>body</p>");
    std::vector<usage::UsageSample> samples;
    for (int i = 0; i < 3; ++i) {
      services.push_back(addService(product, server, "q" + std::to_string(i)));
      samples.push_back(sample(services.back(), 999));
    }
    usage_store.applyUsage(server, samples, today(), clock.now());
  }
  // What WHMCS's SendEmail logs.
  void logEmail(int64_t client, const std::string& subject, bool failed = false) {
    db.exec("INSERT INTO tblemails (userid, subject, message, date, failed) VALUES (" + std::to_string(client) + ", " +
            db.quote(subject) + ", '<p>body</p>', NOW(), " + (failed ? "1" : "0") + ")");
  }
  std::string subjectOf(const usage::OutboxRow& r) {
    return "Disk space usage 99.9 % - " + r.customvars["username"].get<std::string>();
  }
  std::set<int64_t> ids(const std::vector<usage::OutboxRow>& rows) {
    std::set<int64_t> out;
    for (const auto& r : rows) out.insert(r.id);
    return out;
  }
  void leaseRunsOut() { clock.advance(usage::Notifications::kLease); }
};

}  // namespace

TEST_CASE("A send whose acknowledgement was lost is found in the email log and not sent again",
          "[usage][outbox][email_log]") {
  Delivery w;
  const auto first = w.n.pending();
  REQUIRE(first.size() == 3);

  SECTION("the sender died after sending two of three") {
    w.logEmail(w.client_id, w.subjectOf(first[0]));
    w.logEmail(w.client_id, w.subjectOf(first[1]));
    w.leaseRunsOut();
    const auto again = w.n.pending();
    CHECK(w.ids(again) == std::set<int64_t>{first[2].id});  // only the one never sent
    for (int k : {0, 1}) {
      const auto row = w.usage_store.outboxRow(first[k].id);
      CHECK(row->status == "sent");
      CHECK_FALSE(row->lease_until);
    }
    CHECK(w.count("SELECT COUNT(*) FROM mod_puqsynology_outbox_delivery WHERE email_log_id IS NOT NULL") == 2);
    CHECK(w.n.ack(first[0].id, "sent") == "sent");  // a late acknowledgement changes nothing
    CHECK(w.n.ack(first[2].id, "sent") == "sent");
    w.leaseRunsOut();
    CHECK(w.n.pending().empty());
  }
  SECTION("in whatever order the emails were logged, each proves its own notification") {
    w.logEmail(w.client_id, w.subjectOf(first[2]));
    w.logEmail(w.client_id, w.subjectOf(first[0]));
    w.leaseRunsOut();
    CHECK(w.ids(w.n.pending()) == std::set<int64_t>{first[1].id});
  }
  SECTION("nothing in the log: all three are handed out again") {
    w.leaseRunsOut();
    CHECK(w.ids(w.n.pending()).size() == 3);
  }
  SECTION("what does not prove a send: an email logged before the lease, a failed one, another client's") {
    w.leaseRunsOut();
    REQUIRE(w.n.pending().size() == 3);  // leased again; the log position is taken now
    // These three were logged after the second lease: only a failed send and another client remain.
    const int64_t other = w.db.addClient("other@example.com", "Other", "Client");
    w.logEmail(w.client_id, w.subjectOf(first[0]), /*failed=*/true);
    w.logEmail(other, w.subjectOf(first[1]));
    w.leaseRunsOut();
    CHECK(w.ids(w.n.pending()).size() == 3);
  }
  SECTION("an email of the first lease does not prove a later one") {
    w.logEmail(w.client_id, w.subjectOf(first[0]));
    w.leaseRunsOut();
    REQUIRE(w.ids(w.n.pending()) == std::set<int64_t>{first[1].id, first[2].id});
    // The log already held first[0]'s email before this lease: it is claimed and cannot prove first[1].
    w.leaseRunsOut();
    CHECK(w.ids(w.n.pending()) == std::set<int64_t>{first[1].id, first[2].id});
  }
}

TEST_CASE("One logged email proves one notification: the one handed out first", "[usage][outbox][email_log]") {
  // A subject without the user name: all three notifications look alike in the log.
  Delivery w("Your storage is almost full");
  const auto first = w.n.pending();
  REQUIRE(first.size() == 3);
  w.logEmail(w.client_id, "Your storage is almost full");
  w.leaseRunsOut();
  const auto again = w.n.pending();
  CHECK(w.ids(again) == std::set<int64_t>{first[1].id, first[2].id});
  CHECK(w.usage_store.outboxRow(first[0].id)->status == "sent");
}

TEST_CASE("A template with too little literal text is sent again rather than guessed", "[usage][outbox][email_log]") {
  Delivery w("{$subject}");
  const auto first = w.n.pending();
  w.logEmail(w.client_id, "anything at all");
  w.leaseRunsOut();
  CHECK(w.n.pending().size() == 3);
  (void)first;
}
