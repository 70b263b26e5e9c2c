// MariaDbStore against a real WHMCS 8.13 schema: the service join, filters, user names and accounts.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <regex>
#include <thread>

#include "puq/whmcs/mariadb_store.hpp"
#include "support/temp_database.hpp"

using puq::testing::SeededService;
using puq::testing::ServiceSeed;
using puq::testing::TempWhmcsDatabase;
using puq::whmcs::Account;
using puq::whmcs::MariaDbStore;

namespace {

// A migrated store on a fresh database.
struct Fixture {
  TempWhmcsDatabase db;
  MariaDbStore store{db.settings()};
  Fixture() { store.migrate(); }

  // One more service on an existing server.
  SeededService serviceOn(const SeededService& on, const std::string& username, const std::string& status = "Active") {
    ServiceSeed seed;
    seed.client_id = on.client_id;
    seed.server_id = on.server_id;
    seed.product_id = on.product_id;
    seed.username = username;
    seed.status = status;
    return db.seedService(seed);
  }
};

Account makeAccount(int64_t service_id, int64_t server_id, const std::string& username,
                    const std::string& state = "active") {
  Account a;
  a.service_id = service_id;
  a.server_id = server_id;
  a.username = username;
  a.state = state;
  a.group_name = "customers";
  return a;
}

std::string conflictCode(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const puq::Conflict& e) {
    return e.code();
  }
  return "(no conflict)";
}

}  // namespace

TEST_CASE("service() joins the client and the product", "[whmcs][store][db]") {
  Fixture f;
  ServiceSeed seed;
  seed.client_email = "jane@example.org";
  seed.client_firstname = "Jane";
  seed.client_lastname = "O'Neil";
  seed.product_name = "NAS 500";
  seed.username = "jane";
  seed.domain = "jane.example.org";
  seed.status = "Suspended";
  seed.diskusage_mb = 1234;
  seed.disklimit_mb = 500000;
  for (int i = 1; i <= 24; ++i) seed.configoptions.push_back("opt" + std::to_string(i));
  const auto ids = f.db.seedService(seed);

  auto s = f.store.service(ids.service_id);
  REQUIRE(s);
  CHECK(s->id == ids.service_id);
  CHECK(s->client_id == ids.client_id);
  CHECK(s->product_id == ids.product_id);
  CHECK(s->server_id == ids.server_id);
  CHECK(s->status == "Suspended");
  CHECK(s->username == "jane");
  CHECK(s->domain == "jane.example.org");
  CHECK(s->diskusage_mb == 1234);
  CHECK(s->disklimit_mb == 500000);
  CHECK(s->client_email == "jane@example.org");
  CHECK(s->client_firstname == "Jane");
  CHECK(s->client_lastname == "O'Neil");
  CHECK(s->product_name == "NAS 500");
  REQUIRE(s->configoptions.size() == 24);
  CHECK(s->configoptions.front() == "opt1");
  CHECK(s->configoptions.back() == "opt24");

  CHECK_FALSE(f.store.service(ids.service_id + 1000));
}

TEST_CASE("service() of a service whose product and client rows are gone", "[whmcs][store][db]") {
  Fixture f;
  ServiceSeed seed;
  seed.configoptions = {"a", "b"};
  const auto ids = f.db.seedService(seed);
  f.db.exec("DELETE FROM tblproducts; DELETE FROM tblclients");
  auto s = f.store.service(ids.service_id);
  REQUIRE(s);
  CHECK(s->product_name.empty());
  CHECK(s->client_email.empty());
  REQUIRE(s->configoptions.size() == 24);
  for (const auto& option : s->configoptions) CHECK(option.empty());
}

TEST_CASE("servicesOnServer lists live provisioned services of one server", "[whmcs][store][db]") {
  Fixture f;
  ServiceSeed seed;
  seed.username = "active1";
  const auto a = f.db.seedService(seed);
  const auto suspended = f.serviceOn(a, "susp", "Suspended");
  const auto pending = f.serviceOn(a, "pend", "Pending");
  const auto completed = f.serviceOn(a, "comp", "Completed");
  f.serviceOn(a, "term", "Terminated");
  f.serviceOn(a, "canc", "Cancelled");
  f.serviceOn(a, "fraud", "Fraud");
  f.serviceOn(a, "", "Active");  // not provisioned yet
  ServiceSeed other;
  other.username = "elsewhere";
  other.server_name = "NAS 2";
  const auto b = f.db.seedService(other);

  const auto services = f.store.servicesOnServer(a.server_id);
  std::vector<int64_t> ids;
  for (const auto& s : services) ids.push_back(s.id);
  CHECK(ids == std::vector<int64_t>{a.service_id, suspended.service_id, pending.service_id, completed.service_id});
  CHECK(services.front().username == "active1");
  CHECK(services.front().configoptions.size() == 24);

  const auto on_b = f.store.servicesOnServer(b.server_id);
  REQUIRE(on_b.size() == 1);
  CHECK(on_b[0].username == "elsewhere");
  CHECK(f.store.servicesOnServer(b.server_id + 1000).empty());
}

TEST_CASE("setServiceUsername writes tblhosting.username and updated_at", "[whmcs][store][db]") {
  Fixture f;
  const auto ids = f.db.seedService();
  const std::string where = " FROM tblhosting WHERE id = " + std::to_string(ids.service_id);

  f.store.setServiceUsername(ids.service_id, "new.name");
  CHECK(f.db.scalar("SELECT username" + where) == std::optional<std::string>("new.name"));
  // The seed set 2020-01-01; NOW() is later.
  CHECK(f.db.scalar("SELECT updated_at > '2021-01-01'" + where) == std::optional<std::string>("1"));
  CHECK(f.store.service(ids.service_id)->username == "new.name");

  f.store.setServiceUsername(ids.service_id, "new.name");  // unchanged value is still "found"
  try {
    f.store.setServiceUsername(ids.service_id + 1000, "x");
    FAIL("no exception for an unknown service");
  } catch (const puq::NotFound& e) {
    CHECK(e.code() == "service_not_found");
  }
}

TEST_CASE("setServiceUsername works on a tblhosting without updated_at (older WHMCS)", "[whmcs][store][db]") {
  TempWhmcsDatabase db;
  const auto ids = db.seedService();  // the helper inserts updated_at, so seed first
  db.exec("ALTER TABLE tblhosting DROP COLUMN updated_at");
  MariaDbStore store(db.settings());
  store.setServiceUsername(ids.service_id, "older");
  CHECK(db.scalar("SELECT username FROM tblhosting WHERE id = " + std::to_string(ids.service_id)) ==
        std::optional<std::string>("older"));
}

TEST_CASE("usernameInUse is case-insensitive over tblhosting and accounts", "[whmcs][store][db]") {
  Fixture f;
  ServiceSeed seed;
  seed.username = "Alice";
  const auto alice = f.db.seedService(seed);
  ServiceSeed other_server;
  other_server.server_name = "NAS 2";
  const auto elsewhere = f.db.seedService(other_server);
  const int64_t server = alice.server_id;
  const int64_t someone_else = alice.service_id + 1000;

  SECTION("tblhosting") {
    CHECK(f.store.usernameInUse(server, "alice", someone_else));
    CHECK(f.store.usernameInUse(server, "ALICE", someone_else));
    CHECK_FALSE(f.store.usernameInUse(server, "alice", alice.service_id));  // its own name
    CHECK_FALSE(f.store.usernameInUse(elsewhere.server_id, "alice", someone_else));
    CHECK_FALSE(f.store.usernameInUse(server, "alic", someone_else));
    CHECK_FALSE(f.store.usernameInUse(server, "alice2", someone_else));
    CHECK_FALSE(f.store.usernameInUse(server, "a%", someone_else));  // no LIKE patterns
    CHECK_FALSE(f.store.usernameInUse(server, "_lice", someone_else));
  }
  SECTION("tblhosting statuses: only Terminated frees a name") {
    for (const char* status : {"Pending", "Suspended", "Cancelled", "Fraud", "Completed"}) {
      f.db.exec(std::string("UPDATE tblhosting SET domainstatus = '") + status + "' WHERE id = " +
                std::to_string(alice.service_id));
      INFO(status);
      CHECK(f.store.usernameInUse(server, "alice", someone_else));
    }
    f.db.exec("UPDATE tblhosting SET domainstatus = 'Terminated' WHERE id = " + std::to_string(alice.service_id));
    CHECK_FALSE(f.store.usernameInUse(server, "alice", someone_else));
  }
  SECTION("accounts") {
    const auto bob = f.serviceOn(alice, "");  // reserved in accounts only, not yet in tblhosting
    f.store.saveAccount(makeAccount(bob.service_id, server, "Bob", "creating"));
    CHECK(f.store.usernameInUse(server, "bob", someone_else));
    CHECK(f.store.usernameInUse(server, "BOB", someone_else));
    CHECK_FALSE(f.store.usernameInUse(server, "bob", bob.service_id));
    CHECK_FALSE(f.store.usernameInUse(elsewhere.server_id, "bob", someone_else));
    for (const char* state : {"active", "suspended"}) {
      f.store.saveAccount(makeAccount(bob.service_id, server, "Bob", state));
      CHECK(f.store.usernameInUse(server, "bob", someone_else));
    }
    for (const char* state : {"terminated", "failed"}) {
      f.store.saveAccount(makeAccount(bob.service_id, server, "Bob", state));
      CHECK_FALSE(f.store.usernameInUse(server, "bob", someone_else));
    }
  }
  SECTION("non-ASCII names compare case-insensitively in both tables") {
    f.store.setServiceUsername(alice.service_id, "\xC3\x89mile");  // Émile
    CHECK(f.store.usernameInUse(server, "\xC3\xA9MILE", someone_else));  // éMILE
    CHECK_FALSE(f.store.usernameInUse(server, "emile", someone_else));   // accents matter
    const auto other = f.serviceOn(alice, "");
    f.store.saveAccount(makeAccount(other.service_id, server, "\xC3\x96ZG\xC3\x9CR"));  // ÖZGÜR
    CHECK(f.store.usernameInUse(server, "\xC3\xB6zg\xC3\xBCr", someone_else));  // özgür
  }
  SECTION("an empty name is a caller error") {
    CHECK_THROWS_AS(f.store.usernameInUse(server, "", 0), puq::BadRequest);
  }
}

TEST_CASE("saveAccount inserts, updates and keeps timestamps", "[whmcs][store][db]") {
  Fixture f;
  const auto ids = f.db.seedService();
  CHECK_FALSE(f.store.account(ids.service_id));

  f.store.saveAccount(makeAccount(ids.service_id, ids.server_id, "Carol", "creating"));
  auto a = f.store.account(ids.service_id);
  REQUIRE(a);
  CHECK(a->service_id == ids.service_id);
  CHECK(a->server_id == ids.server_id);
  CHECK(a->username == "Carol");
  CHECK(a->state == "creating");
  CHECK(a->group_name == "customers");
  const std::regex datetime(R"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})");
  CHECK(std::regex_match(a->created_at, datetime));
  CHECK(a->created_at == a->updated_at);
  CHECK(f.db.scalar("SELECT username_lc FROM mod_puqsynology_accounts") == std::optional<std::string>("carol"));
  // Stored in UTC.
  CHECK(f.db.scalar("SELECT ABS(TIMESTAMPDIFF(SECOND, created_at, UTC_TIMESTAMP())) < 60 FROM mod_puqsynology_accounts") ==
        std::optional<std::string>("1"));

  f.db.exec("UPDATE mod_puqsynology_accounts SET created_at = '2020-01-01 00:00:00', updated_at = '2020-01-01 00:00:00'");
  Account changed = makeAccount(ids.service_id, ids.server_id, "CAROL2", "active");
  changed.group_name = "gold";
  f.store.saveAccount(changed);
  a = f.store.account(ids.service_id);
  REQUIRE(a);
  CHECK(a->username == "CAROL2");
  CHECK(a->state == "active");
  CHECK(a->group_name == "gold");
  CHECK(a->created_at == "2020-01-01 00:00:00");
  CHECK(a->updated_at > "2021");
  CHECK(f.db.scalar("SELECT username_lc FROM mod_puqsynology_accounts") == std::optional<std::string>("carol2"));
  CHECK(f.db.scalar("SELECT COUNT(*) FROM mod_puqsynology_accounts") == "1");
}

TEST_CASE("saveAccount refuses a name another service holds on the same server", "[whmcs][store][db]") {
  Fixture f;
  const auto first = f.db.seedService();
  const auto second = f.serviceOn(first, "");
  f.store.saveAccount(makeAccount(first.service_id, first.server_id, "Dave"));

  SECTION("a new account") {
    CHECK(conflictCode([&] { f.store.saveAccount(makeAccount(second.service_id, first.server_id, "dAVE")); }) ==
          "username_taken");
    CHECK_FALSE(f.store.account(second.service_id));
    CHECK(f.store.account(first.service_id)->username == "Dave");  // untouched
    CHECK(f.store.account(first.service_id)->service_id == first.service_id);
  }
  SECTION("renaming an existing account") {
    f.store.saveAccount(makeAccount(second.service_id, first.server_id, "erin"));
    CHECK(conflictCode([&] { f.store.saveAccount(makeAccount(second.service_id, first.server_id, "DAVE")); }) ==
          "username_taken");
    CHECK(f.store.account(second.service_id)->username == "erin");  // rolled back
    CHECK(f.store.account(first.service_id)->username == "Dave");
  }
  SECTION("the message says who holds the name") {
    try {
      f.store.saveAccount(makeAccount(second.service_id, first.server_id, "dave"));
      FAIL("no conflict");
    } catch (const puq::Conflict& e) {
      CHECK(std::string(e.what()).find("service " + std::to_string(first.service_id)) != std::string::npos);
      CHECK(e.httpStatus() == 409);
    }
  }
  SECTION("the same name on another server is fine") {
    ServiceSeed seed;
    seed.server_name = "NAS 2";
    const auto elsewhere = f.db.seedService(seed);
    f.store.saveAccount(makeAccount(elsewhere.service_id, elsewhere.server_id, "dave"));
    CHECK(f.store.account(elsewhere.service_id));
  }
  SECTION("a terminated or failed holder releases the name") {
    for (const char* state : {"terminated", "failed"}) {
      f.store.saveAccount(makeAccount(first.service_id, first.server_id, "Dave", state));
      f.store.saveAccount(makeAccount(second.service_id, first.server_id, "dave"));
      CHECK(f.store.account(second.service_id)->username == "dave");
      CHECK_FALSE(f.store.account(first.service_id));
      // Hand it back for the next round.
      f.store.saveAccount(makeAccount(second.service_id, first.server_id, "dave", "terminated"));
      f.store.saveAccount(makeAccount(first.service_id, first.server_id, "Dave"));
    }
  }
}

TEST_CASE("saveAccount validates lengths", "[whmcs][store][db]") {
  Fixture f;
  const auto ids = f.db.seedService();
  auto code = [&](const Account& a) {
    try {
      f.store.saveAccount(a);
    } catch (const puq::BadRequest& e) {
      return e.code();
    }
    return std::string("(accepted)");
  };
  CHECK(code(makeAccount(ids.service_id, ids.server_id, "")) == "account_invalid");
  CHECK(code(makeAccount(ids.service_id, ids.server_id, std::string(65, 'u'))) == "account_invalid");
  CHECK(code(makeAccount(ids.service_id, ids.server_id, "ok", "")) == "account_invalid");
  CHECK(code(makeAccount(ids.service_id, ids.server_id, "ok", std::string(17, 's'))) == "account_invalid");
  CHECK(code(makeAccount(0, ids.server_id, "ok")) == "account_invalid");
  CHECK(code(makeAccount(ids.service_id, 0, "ok")) == "account_invalid");
  CHECK_FALSE(f.store.account(ids.service_id));
  CHECK(code(makeAccount(ids.service_id, ids.server_id, std::string(64, 'u'))) == "(accepted)");
}

TEST_CASE("Hostile user names round-trip through the store", "[whmcs][store][db]") {
  Fixture f;
  const auto ids = f.db.seedService();
  std::string emoji64;
  for (int i = 0; i < 64; ++i) emoji64 += "\xF0\x9F\x98\x80";  // 64 four-byte characters
  const std::vector<std::string> names = {
      "O'Brien", "a\"b", "back\\slash", "'; DROP TABLE tblhosting; --", "x' OR '1'='1",
      "%", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E",  // 日本語
      std::string(64, 'n'), emoji64,
  };
  for (const auto& name : names) {
    INFO(name);
    f.store.saveAccount(makeAccount(ids.service_id, ids.server_id, name));
    CHECK(f.store.account(ids.service_id)->username == name);
    CHECK(f.store.usernameInUse(ids.server_id, name, ids.service_id + 1));
  }
  // tblhosting.username is WHMCS's utf8 (3-byte) TEXT: everything but 4-byte characters round-trips,
  // and a 4-byte character is refused (strict mode) instead of being stored as '?'.
  for (const auto& name : names) {
    if (name == emoji64) continue;
    INFO(name);
    f.store.setServiceUsername(ids.service_id, name);
    CHECK(f.store.service(ids.service_id)->username == name);
  }
  CHECK_THROWS_AS(f.store.setServiceUsername(ids.service_id, emoji64), puq::DatabaseError);
  CHECK(f.db.scalar("SELECT COUNT(*) FROM tblhosting") == "1");
}

TEST_CASE("ping() on a working database", "[whmcs][store][db]") {
  Fixture f;
  CHECK(f.store.ping());
  CHECK(f.store.openConnections() >= 1);
}

TEST_CASE("Two services racing for one name: exactly one wins, nothing is overwritten", "[whmcs][store][db]") {
  Fixture f;
  const auto first = f.db.seedService();
  const auto second = f.serviceOn(first, "");
  MariaDbStore other_daemon(f.db.settings());
  for (int round = 0; round < 10; ++round) {
    const std::string name = "race" + std::to_string(round);
    std::atomic<int> wins{0};
    std::atomic<int> conflicts{0};
    std::string unexpected;
    std::mutex unexpected_mutex;
    auto claim = [&](MariaDbStore& store, int64_t service_id) {
      try {
        store.saveAccount(makeAccount(service_id, first.server_id, name, "creating"));
        ++wins;
      } catch (const puq::Conflict&) {
        ++conflicts;
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(unexpected_mutex);
        unexpected = e.what();
      }
    };
    std::thread a(claim, std::ref(f.store), first.service_id);
    std::thread b(claim, std::ref(other_daemon), second.service_id);
    a.join();
    b.join();
    INFO("round " << round << ": " << unexpected);
    CHECK(unexpected.empty());
    CHECK(wins == 1);
    CHECK(conflicts == 1);
    // The winner's row names the winner; the loser has no row holding the name.
    CHECK(f.db.scalar("SELECT COUNT(*) FROM mod_puqsynology_accounts WHERE username = '" + name + "'") == "1");
    // Free both services for the next round.
    f.db.exec("DELETE FROM mod_puqsynology_accounts");
  }
}
