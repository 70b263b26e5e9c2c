#include "puq/whmcs/mariadb_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <type_traits>

#include "puq/whmcs/mariadb_connection.hpp"
#include "puq/whmcs/migrations.hpp"

namespace puq::whmcs {

namespace {

constexpr const char* kMigrationLock = "mod_puqsynology_migrate";
constexpr int kMigrationLockWaitS = 30;
constexpr std::size_t kConfigOptionCount = 24;

// Column limits of mod_puqsynology_accounts (characters, not bytes).
constexpr std::size_t kUsernameMax = 64;
constexpr std::size_t kStateMax = 16;
constexpr std::size_t kGroupNameMax = 64;

// The lower-case form of a user name, computed by the server in one way everywhere (stored
// username_lc, lookups in both tables), so non-ASCII names compare consistently. `expr` is a column
// or a placeholder.
std::string lowerName(const std::string& expr) {
  return "LOWER(CONVERT(" + expr + " USING utf8mb4)) COLLATE utf8mb4_bin";
}

// tblhosting joined with its client and product. LEFT JOINs: a service whose client or product row
// is gone is still that service (with empty names), not "no such service".
const std::string& serviceSelect() {
  static const std::string sql = [] {
    std::string s =
        "SELECT h.id, h.userid, h.packageid, h.server, h.domainstatus, h.username, h.domain, "
        "h.diskusage, h.disklimit, c.email, c.firstname, c.lastname, p.name";
    for (std::size_t i = 1; i <= kConfigOptionCount; ++i) s += ", p.configoption" + std::to_string(i);
    s += " FROM tblhosting h"
         " LEFT JOIN tblclients c ON c.id = h.userid"
         " LEFT JOIN tblproducts p ON p.id = h.packageid";
    return s;
  }();
  return sql;
}

Service toService(const sql::Row& row) {
  Service s;
  s.id = row.int64(0);
  s.client_id = row.int64(1);
  s.product_id = row.int64(2);
  s.server_id = row.int64(3);
  s.status = row.text(4);
  s.username = row.text(5);
  s.domain = row.text(6);
  s.diskusage_mb = row.int64(7);
  s.disklimit_mb = row.int64(8);
  s.client_email = row.text(9);
  s.client_firstname = row.text(10);
  s.client_lastname = row.text(11);
  s.product_name = row.text(12);
  s.configoptions.reserve(kConfigOptionCount);
  for (std::size_t i = 0; i < kConfigOptionCount; ++i) s.configoptions.push_back(row.text(13 + i));
  return s;
}

std::size_t utf8Length(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void requireLength(const char* field, const std::string& value, std::size_t min, std::size_t max) {
  const std::size_t length = utf8Length(value);
  if (length < min || length > max) {
    throw BadRequest(std::string("Account ") + field + " must be " + std::to_string(min) + " to " +
                         std::to_string(max) + " characters, got " + std::to_string(length),
                     "account_invalid");
  }
}

Conflict usernameTaken(const Account& account, std::optional<int64_t> owner) {
  std::string message = "The user name '" + account.username + "' is already taken on server " +
                        std::to_string(account.server_id);
  if (owner) message += " by service " + std::to_string(*owner);
  return Conflict(message, "username_taken");
}

int readSchemaVersion(sql::Connection& c) {
  auto st = c.prepare("SELECT COALESCE(MAX(version), 0) FROM mod_puqsynology_schema");
  st->execute();
  auto row = st->firstRow();
  return row ? static_cast<int>(row->int64(0)) : 0;
}

// Releases a MariaDB user lock when the scope ends (if the connection died, the server released it).
class UserLockGuard {
 public:
  UserLockGuard(sql::Connection& c, std::string name) : c_(c), name_(std::move(name)) {}
  ~UserLockGuard() {
    if (c_.broken()) return;
    try {
      auto st = c_.prepare("SELECT RELEASE_LOCK(?)");
      st->bind(name_).execute();
    } catch (const std::exception& e) {
      spdlog::warn("Could not release the database lock '{}': {}", name_, e.what());
    }
  }
  UserLockGuard(const UserLockGuard&) = delete;
  UserLockGuard& operator=(const UserLockGuard&) = delete;

 private:
  sql::Connection& c_;
  std::string name_;
};

sql::ConnectionPool::Options poolOptions(const DbSettings& s) {
  sql::ConnectionPool::Options o;
  o.max_open = static_cast<std::size_t>(std::max(1, s.pool_size));
  // Long enough for a busy connection to finish its statement (bounded by the read timeout).
  o.acquire_timeout = std::chrono::seconds(std::max(1, s.connect_timeout_s) + std::max(1, s.read_timeout_s));
  return o;
}

}  // namespace

MariaDbStore::MariaDbStore(DbSettings settings)
    : MariaDbStore(settings, [settings] { return connectWithRetry(settings); }) {}

MariaDbStore::MariaDbStore(DbSettings settings, sql::ConnectionPool::Factory factory)
    : settings_(std::move(settings)), pool_(std::move(factory), poolOptions(settings_)) {}

MariaDbStore::~MariaDbStore() = default;

void MariaDbStore::migrate() {
  // Idempotent as a whole (every migration is), so a lost connection is retried.
  sql::withRetry(pool_, "migrate", [&](sql::Connection& c) {
    // A wait shorter than the read timeout, so a long wait is not mistaken for a dead server.
    const int wait_s = std::max(1, std::min(kMigrationLockWaitS, settings_.read_timeout_s - 2));
    auto lock = c.prepare("SELECT GET_LOCK(?, ?)");
    lock->bind(kMigrationLock).bind(wait_s).execute();
    auto got = lock->firstRow();
    if (!got || got->isNull(0)) {
      throw DatabaseError("Could not take the database lock '" + std::string(kMigrationLock) + "'");
    }
    if (got->int64(0) != 1) {
      throw DatabaseError("Another puq-synologyd has been upgrading the puqSynology tables for " +
                          std::to_string(wait_s) + " s (database lock '" + kMigrationLock +
                          "'); try again, or check for a stuck daemon");
    }
    UserLockGuard unlock(c, kMigrationLock);  // GET_LOCK is per connection; dies with it too

    c.execute(kSchemaTableDdl);
    const int current = readSchemaVersion(c);
    if (current > latestSchemaVersion()) {
      spdlog::warn("The puqSynology tables are at schema version {}, newer than this daemon knows ({})",
                   current, latestSchemaVersion());
      return;
    }
    for (const Migration& m : migrations()) {
      if (m.version <= current) continue;
      spdlog::info("WHMCS database: applying puqSynology migration {}: {}", m.version, m.description);
      sql::Transaction tx(c);  // DDL commits implicitly; data changes and the version row do not
      for (const std::string& statement : m.statements) c.execute(statement);
      auto record = c.prepare("INSERT INTO mod_puqsynology_schema (version, applied_at) VALUES (?, UTC_TIMESTAMP())");
      record->bind(m.version).execute();
      tx.commit();
    }
  });
}

int MariaDbStore::schemaVersion() {
  return sql::withRetry(pool_, "schemaVersion", [&](sql::Connection& c) {
    auto exists = c.prepare(
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?");
    exists->bind("mod_puqsynology_schema").execute();
    auto row = exists->firstRow();
    if (!row || row->int64(0) == 0) return 0;
    return readSchemaVersion(c);
  });
}

bool MariaDbStore::ping() noexcept {
  try {
    sql::ConnectionPool::Lease connection = pool_.acquire();
    return connection->ping();
  } catch (const std::exception& e) {
    spdlog::debug("WHMCS database ping failed: {}", e.what());
    return false;
  } catch (...) {
    return false;
  }
}

std::optional<Service> MariaDbStore::service(int64_t service_id) {
  return sql::withRetry(pool_, "service", [&](sql::Connection& c) -> std::optional<Service> {
    auto st = c.prepare(serviceSelect() + " WHERE h.id = ?");
    st->bind(service_id).execute();
    auto row = st->firstRow();
    if (!row) return std::nullopt;
    return toService(*row);
  });
}

std::vector<Service> MariaDbStore::servicesOnServer(int64_t server_id) {
  return sql::withRetry(pool_, "servicesOnServer", [&](sql::Connection& c) {
    auto st = c.prepare(serviceSelect() +
                        " WHERE h.server = ? AND h.domainstatus NOT IN ('Terminated', 'Cancelled', 'Fraud')"
                        " AND h.username <> '' ORDER BY h.id");
    st->bind(server_id).execute();
    std::vector<Service> services;
    sql::Row row;
    while (st->nextRow(row)) services.push_back(toService(row));
    return services;
  });
}

bool MariaDbStore::hostingHasUpdatedAt(sql::Connection& c) {
  int known = hosting_has_updated_at_.load();
  if (known >= 0) return known == 1;
  // WHMCS added timestamps to tblhosting in a later release; ask the schema once instead of assuming.
  auto st = c.prepare(
      "SELECT COUNT(*) FROM information_schema.COLUMNS"
      " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?");
  st->bind("tblhosting").bind("updated_at").execute();
  auto row = st->firstRow();
  const bool has = row && row->int64(0) > 0;
  hosting_has_updated_at_.store(has ? 1 : 0);
  return has;
}

void MariaDbStore::setServiceUsername(int64_t service_id, const std::string& username) {
  // One UPDATE, idempotent: safe to retry whole.
  sql::inTransaction(pool_, "setServiceUsername", [&](sql::Connection& c) {
    // NOW(): WHMCS writes its own timestamps in the server's local time.
    auto st = c.prepare(hostingHasUpdatedAt(c)
                            ? "UPDATE tblhosting SET username = ?, updated_at = NOW() WHERE id = ?"
                            : "UPDATE tblhosting SET username = ? WHERE id = ?");
    st->bind(username).bind(service_id).execute();
    if (st->affectedRows() == 0) {
      throw NotFound("WHMCS service " + std::to_string(service_id) + " does not exist", "service_not_found");
    }
  });
}

bool MariaDbStore::usernameInUse(int64_t server_id, const std::string& username, int64_t except_service_id) {
  if (username.empty()) throw BadRequest("A user name to check must not be empty", "username_empty");
  const std::string sql =
      "SELECT 1 FROM tblhosting"
      " WHERE server = ? AND id <> ? AND domainstatus <> 'Terminated' AND username <> ''"
      " AND " + lowerName("username") + " = " + lowerName("?") +
      " UNION ALL "
      "SELECT 1 FROM mod_puqsynology_accounts"
      " WHERE server_id = ? AND service_id <> ? AND state NOT IN ('terminated', 'failed')"
      " AND username_lc = " + lowerName("?") +
      " LIMIT 1";
  return sql::withRetry(pool_, "usernameInUse", [&](sql::Connection& c) {
    auto st = c.prepare(sql);
    st->bind(server_id).bind(except_service_id).bind(username);
    st->bind(server_id).bind(except_service_id).bind(username);
    st->execute();
    return st->firstRow().has_value();
  });
}

std::optional<Account> MariaDbStore::account(int64_t service_id) {
  return sql::withRetry(pool_, "account", [&](sql::Connection& c) -> std::optional<Account> {
    auto st = c.prepare(
        "SELECT service_id, server_id, username, state, group_name, created_at, updated_at"
        " FROM mod_puqsynology_accounts WHERE service_id = ?");
    st->bind(service_id).execute();
    auto row = st->firstRow();
    if (!row) return std::nullopt;
    Account a;
    a.service_id = row->int64(0);
    a.server_id = row->int64(1);
    a.username = row->text(2);
    a.state = row->text(3);
    a.group_name = row->text(4);
    a.created_at = row->text(5);
    a.updated_at = row->text(6);
    return a;
  });
}

void MariaDbStore::saveAccount(const Account& account) {
  if (account.service_id <= 0 || account.server_id <= 0) {
    throw BadRequest("Account service_id and server_id must be positive", "account_invalid");
  }
  requireLength("username", account.username, 1, kUsernameMax);
  requireLength("state", account.state, 1, kStateMax);
  requireLength("group_name", account.group_name, 0, kGroupNameMax);

  // Idempotent (same row, same values): safe to retry whole.
  sql::inTransaction(pool_, "saveAccount", [&](sql::Connection& c) {
    auto ownerOfName = [&]() -> std::optional<int64_t> {
      auto st = c.prepare("SELECT service_id FROM mod_puqsynology_accounts WHERE server_id = ? AND username_lc = " +
                          lowerName("?"));
      st->bind(account.server_id).bind(account.username).execute();
      auto row = st->firstRow();
      return row ? std::optional<int64_t>(row->int64(0)) : std::nullopt;
    };

    // A dead account (terminated/failed) of another service must not keep the name forever.
    auto release = c.prepare(
        "DELETE FROM mod_puqsynology_accounts WHERE server_id = ? AND username_lc = " + lowerName("?") +
        " AND service_id <> ? AND state IN ('terminated', 'failed')");
    release->bind(account.server_id).bind(account.username).bind(account.service_id).execute();
    if (release->affectedRows() > 0) {
      spdlog::info("User name '{}' on server {} was held by another service's terminated/failed account;"
                   " released for service {}",
                   account.username, account.server_id, account.service_id);
    }

    // The ON DUPLICATE KEY branch may only ever change this service's own row: when the insert clashes
    // on UNIQUE(server_id, username_lc) with another service's row, every IF keeps that row as it is,
    // and the owner check below reports the conflict.
    auto upsert = c.prepare(
        "INSERT INTO mod_puqsynology_accounts"
        " (service_id, server_id, username, username_lc, state, group_name, created_at, updated_at)"
        " VALUES (?, ?, ?, LOWER(CONVERT(? USING utf8mb4)), ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())"
        " ON DUPLICATE KEY UPDATE"
        " server_id = IF(service_id = VALUES(service_id), VALUES(server_id), server_id),"
        " username = IF(service_id = VALUES(service_id), VALUES(username), username),"
        " username_lc = IF(service_id = VALUES(service_id), VALUES(username_lc), username_lc),"
        " state = IF(service_id = VALUES(service_id), VALUES(state), state),"
        " group_name = IF(service_id = VALUES(service_id), VALUES(group_name), group_name),"
        " updated_at = IF(service_id = VALUES(service_id), VALUES(updated_at), updated_at)");
    upsert->bind(account.service_id)
        .bind(account.server_id)
        .bind(account.username)
        .bind(account.username)
        .bind(account.state)
        .bind(account.group_name);
    try {
      upsert->execute();
    } catch (const sql::DuplicateKey&) {
      // Our own row was renamed onto a name another service holds.
      throw usernameTaken(account, ownerOfName());
    }
    const auto owner = ownerOfName();
    if (owner != account.service_id) throw usernameTaken(account, owner);
  });
}

}  // namespace puq::whmcs
