#pragma once
// The WHMCS database as the daemon sees it. All reads and writes of WHMCS tables and of the daemon's
// own mod_puqsynology_* tables go through this interface; MariaDbStore (mariadb_store.hpp) is the real
// implementation, built on prepared statements only.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace puq::whmcs {

struct DbSettings {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string socket;          // when set, used instead of host/port
  std::string user;
  std::string password;
  std::string database;
  int connect_timeout_s = 5;
  int read_timeout_s = 30;
  int write_timeout_s = 30;
  int pool_size = 4;           // connections kept open
  int reconnect_attempts = 5;  // bounded reconnect with backoff before a DatabaseError
  // Where these settings come from, named at the end of connection error messages so an admin knows
  // what to fix ("Check [database] in ..."). Empty: no hint.
  std::string origin = "[database] in /etc/puq-synologyd/puq-synologyd.conf";
};

// A tblhosting row joined with its client and product: what a module call needs to know.
struct Service {
  int64_t id = 0;
  int64_t client_id = 0;
  int64_t product_id = 0;
  int64_t server_id = 0;
  std::string status;          // tblhosting.domainstatus
  std::string username;
  std::string domain;
  int64_t diskusage_mb = 0;
  int64_t disklimit_mb = 0;
  std::string client_email;
  std::string client_firstname;
  std::string client_lastname;
  std::string product_name;
  std::vector<std::string> configoptions;  // 24 entries: [0] = configoption1
};

// The daemon's own record of the DSM account it made for a service (mod_puqsynology_accounts).
// Written *before* the DSM user is created, so a retry after a crash knows which name it was using.
struct Account {
  int64_t service_id = 0;
  int64_t server_id = 0;
  std::string username;
  std::string state;        // creating | active | suspended | terminated | failed
  std::string group_name;   // DSM group the user was put in
  std::string created_at;   // "YYYY-MM-DD HH:MM:SS" (set by the store)
  std::string updated_at;
};

class Store {
 public:
  virtual ~Store() = default;

  // Creates or upgrades the mod_puqsynology_* tables (versioned in mod_puqsynology_schema). Idempotent.
  virtual void migrate() = 0;
  virtual int schemaVersion() = 0;
  // A cheap round trip; false (never throws) when the database is unreachable.
  virtual bool ping() noexcept = 0;

  virtual std::optional<Service> service(int64_t service_id) = 0;
  // Non-terminal services (not Terminated/Cancelled/Fraud) on one server with a username set.
  virtual std::vector<Service> servicesOnServer(int64_t server_id) = 0;
  virtual void setServiceUsername(int64_t service_id, const std::string& username) = 0;
  // Case-insensitive: is this username used by another tblhosting row on the same server, or
  // reserved in mod_puqsynology_accounts by another service?
  virtual bool usernameInUse(int64_t server_id, const std::string& username, int64_t except_service_id) = 0;

  virtual std::optional<Account> account(int64_t service_id) = 0;
  virtual void saveAccount(const Account& account) = 0;  // insert or update by service_id
};

}  // namespace puq::whmcs
