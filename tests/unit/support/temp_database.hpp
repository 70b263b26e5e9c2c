#pragma once
// puq::testing::TempWhmcsDatabase: a throwaway WHMCS database for one test, on the private MariaDB
// that ctest starts (fixture "db": scripts/mariadb-private.sh start <build>/testdb).
//
//   #include "support/temp_database.hpp"
//
//   puq::testing::TempWhmcsDatabase db;          // creates whmcs_t_<pid>_<n>, loads the WHMCS 8.13 schema
//   puq::testing::ServiceSeed seed;              // every field has a usable default
//   seed.username = "alice";
//   seed.configoptions = {"users", "100"};       // configoption1, configoption2; the rest ""
//   puq::testing::SeededService ids = db.seedService(seed);  // client, group, server, product, service
//
//   puq::whmcs::MariaDbStore store(db.settings());           // DbSettings for this database (TCP)
//   store.migrate();
//   db.exec("UPDATE tblhosting SET domainstatus = 'Suspended' WHERE id = " + std::to_string(ids.service_id));
//   std::optional<std::string> name = db.scalar("SELECT username FROM tblhosting WHERE id = 1");
//
// The database is dropped when `db` goes out of scope. Each object has its own database, so tests can
// run in parallel (also across test binaries).
//
// Where the server is: $PUQ_TEST_DB_DIR/env (set by ctest), else <build>/testdb/env when the binary
// is run by hand after `scripts/mariadb-private.sh start <build>/testdb`. If neither exists the
// constructor throws, so the test FAILS with a message: tests never skip silently.
//
// The helper's own connection runs with SQL_MODE='NO_AUTO_VALUE_ON_ZERO' (not strict, like WHMCS's
// install files), so exec() may leave out NOT NULL columns of WHMCS tables: they get '' / 0. Helper
// inserts quote values with mysql_real_escape_string; the daemon itself uses prepared statements only.
#include <mysql.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "puq/whmcs/store.hpp"

namespace puq::testing {

// What seedService creates. An id left at 0 means "create a new row"; set it to reuse an existing
// client / server / product (e.g. two services on one server).
struct ServiceSeed {
  int64_t client_id = 0;
  std::string client_email = "client@example.com";
  std::string client_firstname = "Test";
  std::string client_lastname = "Client";

  int64_t server_id = 0;  // a new server is also put in a new server group
  std::string server_name = "NAS 1";
  std::string server_hostname = "nas.example.com";
  std::string server_ip = "192.0.2.10";
  std::string server_username = "admin";
  std::string server_password = "";  // stored as given (WHMCS would store it encrypted)
  int server_port = 5001;

  int64_t product_id = 0;
  std::string product_name = "Synology 100 GB";
  std::vector<std::string> configoptions;  // [0] = configoption1; missing ones are ""

  std::string username;  // tblhosting.username ("" = not provisioned yet)
  std::string status = "Active";  // tblhosting.domainstatus
  std::string domain;
  int64_t diskusage_mb = 0;
  int64_t disklimit_mb = 0;
};

struct SeededService {
  int64_t client_id = 0;
  int64_t server_group_id = 0;  // 0 when an existing server was reused
  int64_t server_id = 0;
  int64_t product_id = 0;
  int64_t service_id = 0;
};

class TempWhmcsDatabase {
 public:
  TempWhmcsDatabase() {
    readEnvFile();
    name_ = "whmcs_t_" + std::to_string(::getpid()) + "_" + std::to_string(nextCounter());
    connect();
    try {
      exec("DROP DATABASE IF EXISTS `" + name_ + "`");
      exec("CREATE DATABASE `" + name_ + "` CHARACTER SET utf8mb4");
      exec("USE `" + name_ + "`");
      exec(readFile(sourceDir() + "/tests/fixtures/whmcs/schema.sql"));
      exec("SET SESSION SQL_MODE='NO_AUTO_VALUE_ON_ZERO'");
    } catch (...) {
      dropAndClose();  // the destructor does not run when a constructor throws
      throw;
    }
  }

  ~TempWhmcsDatabase() { dropAndClose(); }

  TempWhmcsDatabase(const TempWhmcsDatabase&) = delete;
  TempWhmcsDatabase& operator=(const TempWhmcsDatabase&) = delete;

  const std::string& name() const { return name_; }

  // Settings for this database over TCP (127.0.0.1:port), with short timeouts for tests.
  puq::whmcs::DbSettings settings() const {
    puq::whmcs::DbSettings s;
    s.host = env("WHMCS_DB_HOST");
    s.port = std::stoi(env("WHMCS_DB_PORT"));
    s.user = env("WHMCS_DB_USER");
    s.password = env("WHMCS_DB_PASS");
    s.database = name_;
    s.connect_timeout_s = 5;
    s.read_timeout_s = 10;
    s.write_timeout_s = 10;
    s.pool_size = 4;
    s.reconnect_attempts = 3;
    s.origin = "the test settings (TempWhmcsDatabase)";
    return s;
  }
  // The same over the unix socket.
  puq::whmcs::DbSettings socketSettings() const {
    puq::whmcs::DbSettings s = settings();
    s.socket = env("WHMCS_DB_SOCKET");
    return s;
  }

  // Runs SQL (several statements separated by ';' are fine); throws std::runtime_error on failure.
  void exec(const std::string& sql) {
    if (mysql_real_query(db_, sql.data(), sql.size()) != 0) fail(sql);
    drainResults(sql);
  }

  // All rows of a query; NULL cells are std::nullopt.
  std::vector<std::vector<std::optional<std::string>>> rows(const std::string& sql) {
    if (mysql_real_query(db_, sql.data(), sql.size()) != 0) fail(sql);
    std::vector<std::vector<std::optional<std::string>>> out;
    if (MYSQL_RES* result = mysql_store_result(db_)) {
      const unsigned columns = mysql_num_fields(result);
      while (MYSQL_ROW row = mysql_fetch_row(result)) {
        const unsigned long* lengths = mysql_fetch_lengths(result);
        std::vector<std::optional<std::string>> cells(columns);
        for (unsigned i = 0; i < columns; ++i) {
          if (row[i]) cells[i].emplace(row[i], lengths[i]);
        }
        out.push_back(std::move(cells));
      }
      mysql_free_result(result);
    } else if (mysql_field_count(db_) != 0) {
      fail(sql);
    }
    drainResults(sql);
    return out;
  }

  // First column of the first row; std::nullopt when there is no row or the cell is NULL.
  std::optional<std::string> scalar(const std::string& sql) {
    auto all = rows(sql);
    if (all.empty() || all.front().empty()) return std::nullopt;
    return all.front().front();
  }

  // 'value' quoted and escaped for this connection, for building helper SQL.
  std::string quote(const std::string& value) {
    std::string out(value.size() * 2 + 1, '\0');
    unsigned long n = mysql_real_escape_string(db_, out.data(), value.data(), value.size());
    out.resize(n);
    return "'" + out + "'";
  }

  // Kills every other connection to this database (e.g. the pool of a store under test), as a
  // server restart or a network cut would. Returns how many were killed, once they are gone.
  int killOtherConnections() {
    const std::string list =
        "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = " + quote(name_) + " AND ID <> CONNECTION_ID()";
    int killed = 0;
    for (const auto& row : rows(list)) {
      if (!row[0]) continue;
      if (mysql_query(db_, ("KILL CONNECTION " + *row[0]).c_str()) == 0) ++killed;
    }
    for (int i = 0; i < 100 && !rows(list).empty(); ++i) ::usleep(20 * 1000);
    return killed;
  }

  int64_t addClient(const std::string& email, const std::string& firstname, const std::string& lastname) {
    exec("INSERT INTO tblclients (uuid, firstname, lastname, email, datecreated, status) VALUES (UUID(), " +
         quote(firstname) + ", " + quote(lastname) + ", " + quote(email) + ", CURDATE(), 'Active')");
    return lastId();
  }

  int64_t addServerGroup(const std::string& name) {
    exec("INSERT INTO tblservergroups (name, filltype) VALUES (" + quote(name) + ", 1)");
    return lastId();
  }

  // A puqSynology server; put into `group_id` unless it is 0.
  int64_t addServer(const ServiceSeed& s, int64_t group_id) {
    exec("INSERT INTO tblservers (name, ipaddress, hostname, type, username, password, secure, port, active,"
         " disabled) VALUES (" + quote(s.server_name) + ", " + quote(s.server_ip) + ", " + quote(s.server_hostname) +
         ", 'puqSynology', " + quote(s.server_username) + ", " + quote(s.server_password) + ", 'on', " +
         std::to_string(s.server_port) + ", 1, 0)");
    const int64_t id = lastId();
    if (group_id != 0) {
      exec("INSERT INTO tblservergroupsrel (groupid, serverid) VALUES (" + std::to_string(group_id) + ", " +
           std::to_string(id) + ")");
    }
    return id;
  }

  int64_t addProduct(const std::string& name, int64_t server_group_id, const std::vector<std::string>& configoptions) {
    std::string columns = "type, gid, name, paytype, servertype, servergroup, autosetup";
    std::string values = "'other', 1, " + quote(name) + ", 'recurring', 'puqSynology', " +
                         std::to_string(server_group_id) + ", 'payment'";
    for (std::size_t i = 0; i < 24; ++i) {
      columns += ", configoption" + std::to_string(i + 1);
      values += ", " + quote(i < configoptions.size() ? configoptions[i] : std::string());
    }
    exec("INSERT INTO tblproducts (" + columns + ") VALUES (" + values + ")");
    return lastId();
  }

  int64_t addService(int64_t client_id, int64_t product_id, int64_t server_id, const ServiceSeed& s) {
    exec("INSERT INTO tblhosting (userid, orderid, packageid, server, regdate, domain, paymentmethod, billingcycle,"
         " nextduedate, nextinvoicedate, domainstatus, username, password, diskusage, disklimit, created_at,"
         " updated_at) VALUES (" + std::to_string(client_id) + ", 1, " + std::to_string(product_id) + ", " +
         std::to_string(server_id) + ", CURDATE(), " + quote(s.domain) + ", 'banktransfer', 'Monthly', CURDATE(),"
         " CURDATE(), " + quote(s.status) + ", " + quote(s.username) + ", '', " + std::to_string(s.diskusage_mb) +
         ", " + std::to_string(s.disklimit_mb) + ", '2020-01-01 00:00:00', '2020-01-01 00:00:00')");
    return lastId();
  }

  // Creates whatever `seed` does not name by id, then the service.
  SeededService seedService(const ServiceSeed& seed = {}) {
    SeededService ids;
    ids.client_id = seed.client_id ? seed.client_id
                                   : addClient(seed.client_email, seed.client_firstname, seed.client_lastname);
    if (seed.server_id) {
      ids.server_id = seed.server_id;
    } else {
      ids.server_group_id = addServerGroup(seed.server_name + " group");
      ids.server_id = addServer(seed, ids.server_group_id);
    }
    ids.product_id = seed.product_id ? seed.product_id
                                     : addProduct(seed.product_name, ids.server_group_id, seed.configoptions);
    ids.service_id = addService(ids.client_id, ids.product_id, ids.server_id, seed);
    return ids;
  }

 private:
  static int nextCounter() {
    static std::atomic<int> counter{0};
    return ++counter;
  }

  static std::string sourceDir() {
    if (const char* dir = std::getenv("PUQ_SOURCE_DIR"); dir && *dir) return dir;
#ifdef PUQ_SOURCE_DIR
    return PUQ_SOURCE_DIR;
#else
    throw std::runtime_error("TempWhmcsDatabase: PUQ_SOURCE_DIR is not set (needed to find tests/fixtures)");
#endif
  }

  static std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("TempWhmcsDatabase: cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  void readEnvFile() {
    std::string dir;
    if (const char* d = std::getenv("PUQ_TEST_DB_DIR"); d && *d) dir = d;
#ifdef PUQ_BINARY_DIR
    if (dir.empty()) dir = std::string(PUQ_BINARY_DIR) + "/testdb";
#endif
    const std::string path = dir + "/env";
    std::ifstream in(path);
    if (dir.empty() || !in) {
      throw std::runtime_error(
          "TempWhmcsDatabase: no test MariaDB (cannot read '" + path +
          "'). Run the tests through ctest (fixture 'db'), or start one by hand: "
          "scripts/mariadb-private.sh start <build>/testdb && export PUQ_TEST_DB_DIR=<build>/testdb");
    }
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      const auto eq = line.find('=');
      if (eq == std::string::npos) continue;
      std::string value = line.substr(eq + 1);
      if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') && value.back() == value.front()) {
        value = value.substr(1, value.size() - 2);
      }
      env_[line.substr(0, eq)] = value;
    }
    for (const char* key : {"WHMCS_DB_HOST", "WHMCS_DB_PORT", "WHMCS_DB_SOCKET", "WHMCS_DB_USER", "WHMCS_DB_PASS"}) {
      if (env_.count(key) == 0) throw std::runtime_error("TempWhmcsDatabase: " + path + " has no " + key);
    }
  }

  const std::string& env(const std::string& key) const { return env_.at(key); }

  void connect() {
    db_ = mysql_init(nullptr);
    if (!db_) throw std::runtime_error("TempWhmcsDatabase: mysql_init failed");
    unsigned timeout = 10;
    unsigned protocol = MYSQL_PROTOCOL_TCP;
    mysql_options(db_, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_options(db_, MYSQL_OPT_PROTOCOL, &protocol);
    mysql_options(db_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (!mysql_real_connect(db_, env("WHMCS_DB_HOST").c_str(), env("WHMCS_DB_USER").c_str(),
                            env("WHMCS_DB_PASS").c_str(), nullptr, static_cast<unsigned>(std::stoi(env("WHMCS_DB_PORT"))),
                            nullptr, CLIENT_MULTI_STATEMENTS)) {
      std::string message = mysql_error(db_);
      mysql_close(db_);
      db_ = nullptr;
      throw std::runtime_error("TempWhmcsDatabase: cannot connect to the test MariaDB at " + env("WHMCS_DB_HOST") +
                               ":" + env("WHMCS_DB_PORT") + ": " + message +
                               " (is the ctest fixture 'db' running?)");
    }
  }

  // Reads past every result of a multi-statement query, failing on the first error.
  void drainResults(const std::string& sql) {
    for (;;) {
      if (MYSQL_RES* result = mysql_store_result(db_)) mysql_free_result(result);
      const int next = mysql_next_result(db_);
      if (next == -1) return;
      if (next > 0) fail(sql);
    }
  }

  void dropAndClose() noexcept {
    if (!db_) return;
    const std::string drop = "DROP DATABASE IF EXISTS `" + name_ + "`";
    if (mysql_real_query(db_, drop.data(), drop.size()) == 0) {  // best effort
      while (mysql_next_result(db_) == 0) {
      }
    }
    mysql_close(db_);
    db_ = nullptr;
  }

  int64_t lastId() { return static_cast<int64_t>(mysql_insert_id(db_)); }

  [[noreturn]] void fail(const std::string& sql) {
    std::string shown = sql.size() > 200 ? sql.substr(0, 200) + "..." : sql;
    throw std::runtime_error("TempWhmcsDatabase: " + std::string(mysql_error(db_)) + " (errno " +
                             std::to_string(mysql_errno(db_)) + ") in: " + shown);
  }

  MYSQL* db_ = nullptr;
  std::string name_;
  std::map<std::string, std::string> env_;
};

}  // namespace puq::testing
