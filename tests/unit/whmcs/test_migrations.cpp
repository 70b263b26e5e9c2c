// migrate(): versioned, idempotent, serialised between daemons.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "puq/whmcs/mariadb_store.hpp"
#include "puq/whmcs/migrations.hpp"
#include "support/temp_database.hpp"

using puq::testing::TempWhmcsDatabase;
using puq::whmcs::MariaDbStore;

TEST_CASE("Migrations are numbered 1..N without gaps and have statements", "[whmcs][migrate]") {
  const auto& all = puq::whmcs::migrations();
  REQUIRE_FALSE(all.empty());
  for (std::size_t i = 0; i < all.size(); ++i) {
    CHECK(all[i].version == static_cast<int>(i) + 1);
    CHECK_FALSE(all[i].description.empty());
    CHECK_FALSE(all[i].statements.empty());
  }
  CHECK(puq::whmcs::latestSchemaVersion() == static_cast<int>(all.size()));
}

TEST_CASE("migrate creates the tables on an empty WHMCS schema", "[whmcs][migrate][db]") {
  TempWhmcsDatabase db;
  MariaDbStore store(db.settings());
  CHECK(store.schemaVersion() == 0);

  store.migrate();
  CHECK(store.schemaVersion() == puq::whmcs::latestSchemaVersion());
  CHECK(db.scalar("SELECT COUNT(*) FROM mod_puqsynology_schema") ==
        std::to_string(puq::whmcs::latestSchemaVersion()));
  CHECK(db.scalar("SELECT COUNT(*) FROM mod_puqsynology_schema WHERE applied_at IS NULL") == "0");

  // The accounts table has the documented shape.
  const std::string columns =
      "SELECT GROUP_CONCAT(COLUMN_NAME, ':', COLUMN_TYPE, ':', IS_NULLABLE ORDER BY ORDINAL_POSITION)"
      " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'mod_puqsynology_accounts'";
  CHECK(db.scalar(columns) ==
        std::optional<std::string>("service_id:int(11):NO,server_id:int(11):NO,username:varchar(64):NO,"
                                   "username_lc:varchar(64):NO,state:varchar(16):NO,group_name:varchar(64):NO,"
                                   "created_at:datetime:NO,updated_at:datetime:NO"));
  CHECK(db.scalar("SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
                  " AND TABLE_NAME = 'mod_puqsynology_accounts'") == std::optional<std::string>("InnoDB"));
  CHECK(db.scalar("SELECT GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) FROM information_schema.STATISTICS"
                  " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'mod_puqsynology_accounts'"
                  " AND INDEX_NAME = 'server_username' AND NON_UNIQUE = 0") ==
        std::optional<std::string>("server_id,username_lc"));
  // WHMCS's own ten tables are untouched; the daemon adds only mod_puqsynology_* tables.
  CHECK(db.scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
                  " AND TABLE_NAME NOT LIKE 'mod\\_puqsynology\\_%'") == "10");
  CHECK(db.scalar("SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM information_schema.TABLES"
                  " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'mod\\_puqsynology\\_%'") ==
        std::optional<std::string>("mod_puqsynology_accounts,mod_puqsynology_notify_state,mod_puqsynology_outbox,"
                                   "mod_puqsynology_outbox_delivery,mod_puqsynology_schema,mod_puqsynology_usage_daily"));
}

TEST_CASE("migrate twice is a no-op", "[whmcs][migrate][db]") {
  TempWhmcsDatabase db;
  MariaDbStore store(db.settings());
  store.migrate();
  const auto applied = db.scalar("SELECT GROUP_CONCAT(version, '@', applied_at) FROM mod_puqsynology_schema");
  db.exec("INSERT INTO mod_puqsynology_accounts VALUES (1, 1, 'a', 'a', 'active', '', NOW(), NOW())");

  store.migrate();
  MariaDbStore(db.settings()).migrate();  // a second daemon starting later
  CHECK(store.schemaVersion() == puq::whmcs::latestSchemaVersion());
  CHECK(db.scalar("SELECT GROUP_CONCAT(version, '@', applied_at) FROM mod_puqsynology_schema") == applied);
  CHECK(db.scalar("SELECT COUNT(*) FROM mod_puqsynology_accounts") == "1");
}

TEST_CASE("A migration interrupted after its DDL is applied again cleanly", "[whmcs][migrate][db]") {
  TempWhmcsDatabase db;
  MariaDbStore store(db.settings());
  store.migrate();
  // As if the daemon died after CREATE TABLE (DDL auto-commits) but before recording the version.
  db.exec("DELETE FROM mod_puqsynology_schema");
  CHECK(store.schemaVersion() == 0);
  store.migrate();
  CHECK(store.schemaVersion() == puq::whmcs::latestSchemaVersion());
}

TEST_CASE("Two daemons migrating at once both succeed, one after the other", "[whmcs][migrate][db]") {
  TempWhmcsDatabase db;
  MariaDbStore first(db.settings());
  MariaDbStore second(db.settings());
  std::atomic<int> failures{0};
  std::string error;
  std::mutex error_mutex;
  auto run = [&](MariaDbStore& store) {
    try {
      store.migrate();
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(error_mutex);
      error = e.what();
      ++failures;
    }
  };
  std::thread a(run, std::ref(first));
  std::thread b(run, std::ref(second));
  a.join();
  b.join();
  INFO(error);
  CHECK(failures == 0);
  CHECK(first.schemaVersion() == puq::whmcs::latestSchemaVersion());
  CHECK(db.scalar("SELECT COUNT(*) FROM mod_puqsynology_schema") ==
        std::to_string(puq::whmcs::latestSchemaVersion()));
}

TEST_CASE("migrate waits for the migration lock and gives up with a clear error", "[whmcs][migrate][db]") {
  TempWhmcsDatabase db;
  REQUIRE(db.scalar("SELECT GET_LOCK('mod_puqsynology_migrate', 5)") == std::optional<std::string>("1"));
  auto settings = db.settings();
  settings.read_timeout_s = 3;  // lock wait = read timeout - 2 = 1 s
  MariaDbStore store(settings);
  const auto start = std::chrono::steady_clock::now();
  try {
    store.migrate();
    FAIL("migrated while another session held the lock");
  } catch (const puq::DatabaseError& e) {
    CHECK(std::string(e.what()).find("mod_puqsynology_migrate") != std::string::npos);
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK(store.schemaVersion() == 0);

  db.exec("DO RELEASE_LOCK('mod_puqsynology_migrate')");
  // Lock names are server-wide: another test binary on this server may take it meanwhile, so wait
  // the normal time (8 s with the test settings) rather than 1 s.
  MariaDbStore patient(db.settings());
  patient.migrate();
  CHECK(patient.schemaVersion() == puq::whmcs::latestSchemaVersion());
}

TEST_CASE("A database at a newer schema version than this daemon knows is left alone", "[whmcs][migrate][db]") {
  TempWhmcsDatabase db;
  MariaDbStore store(db.settings());
  store.migrate();
  const int future = puq::whmcs::latestSchemaVersion() + 1;
  db.exec("INSERT INTO mod_puqsynology_schema VALUES (" + std::to_string(future) + ", NOW())");
  store.migrate();
  CHECK(store.schemaVersion() == future);
}
