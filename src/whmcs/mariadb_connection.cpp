#include "puq/whmcs/mariadb_connection.hpp"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

namespace puq::whmcs {

namespace {

// Our own session setup, run by the client library right after connecting.
// STRICT_TRANS_TABLES: a value that does not fit fails instead of being silently truncated (WHMCS
// installs often run with sql_mode=''). The rest of the server's mode is kept.
constexpr const char* kSessionInit =
    "SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'STRICT_TRANS_TABLES')";

bool isConnectionLoss(unsigned error) {
  switch (error) {
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_SERVER_LOST_EXTENDED:
    case ER_CONNECTION_KILLED:
    case ER_SERVER_SHUTDOWN:
      return true;
    default:
      return false;
  }
}

// Worth another connection attempt: the server may come back (restart, failover, full).
bool isTransientConnectError(unsigned error) {
  return error == CR_CONNECTION_ERROR || error == CR_CONN_HOST_ERROR || error == ER_CON_COUNT_ERROR ||
         isConnectionLoss(error);
}

// The statement as it appears in messages: whitespace collapsed, shortened. Never holds values,
// because values are always bound, never spliced into SQL.
std::string abbreviate(const std::string& sql) {
  std::string out;
  bool space = false;
  for (char c : sql) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() > 160) return out + "...";
  }
  return out;
}

void ensureLibraryInitialised() {
  // mysql_library_init is not thread-safe; every later call (and mysql_init) is.
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

class MariaDbConnection;

class MariaDbStatement final : public sql::Statement {
 public:
  MariaDbStatement(MariaDbConnection& connection, MYSQL* db, std::string sql);
  ~MariaDbStatement() override;
  MariaDbStatement(const MariaDbStatement&) = delete;
  MariaDbStatement& operator=(const MariaDbStatement&) = delete;

  Statement& bindInt64(int64_t value) override;
  Statement& bindText(const std::string& value) override;
  Statement& bindDouble(double value) override;
  Statement& bindNull() override;
  Statement& execute() override;
  bool nextRow(sql::Row& row) override;
  uint64_t affectedRows() const override { return affected_rows_; }
  uint64_t lastInsertId() const override { return last_insert_id_; }
  Statement& reset() override;

 private:
  // Bound values live here until execute(); MYSQL_BIND points into them.
  struct Param {
    enum_field_types type = MYSQL_TYPE_NULL;
    long long integer = 0;
    double real = 0.0;
    std::string text;
    unsigned long length = 0;
    my_bool is_null = 0;
  };
  Param& nextParam();
  void prepareResultBuffers();
  void freeResult() noexcept;
  [[noreturn]] void fail();

  MariaDbConnection& connection_;
  std::string sql_;
  MYSQL_STMT* stmt_ = nullptr;
  unsigned long param_count_ = 0;
  std::vector<Param> params_;

  bool has_result_ = false;
  std::vector<MYSQL_BIND> result_binds_;
  std::vector<std::vector<char>> result_buffers_;
  std::vector<unsigned long> result_lengths_;
  std::vector<my_bool> result_nulls_;
  std::vector<my_bool> result_errors_;

  uint64_t affected_rows_ = 0;
  uint64_t last_insert_id_ = 0;
};

class MariaDbConnection final : public sql::Connection {
 public:
  explicit MariaDbConnection(const DbSettings& settings);
  ~MariaDbConnection() override {
    if (db_) mysql_close(db_);
  }
  MariaDbConnection(const MariaDbConnection&) = delete;
  MariaDbConnection& operator=(const MariaDbConnection&) = delete;

  std::unique_ptr<sql::Statement> prepare(const std::string& sql) override {
    throwIfBroken(sql);
    return std::make_unique<MariaDbStatement>(*this, db_, sql);
  }

  void execute(const std::string& sql) override {
    throwIfBroken(sql);
    if (mysql_real_query(db_, sql.data(), sql.size()) != 0) fail(mysql_errno(db_), mysql_error(db_), sql);
    // Drain whatever came back so the connection stays in sync.
    if (MYSQL_RES* result = mysql_store_result(db_)) {
      mysql_free_result(result);
    } else if (mysql_field_count(db_) != 0) {
      fail(mysql_errno(db_), mysql_error(db_), sql);
    }
  }

  void begin() override { execute("START TRANSACTION"); }
  void commit() override { execute("COMMIT"); }
  void rollback() override {
    try {
      execute("ROLLBACK");
    } catch (...) {
      broken_ = true;  // possibly still inside the transaction: must never go back to the pool
      throw;
    }
  }

  bool ping() noexcept override {
    if (broken_) return false;
    if (mysql_ping(db_) != 0) broken_ = true;
    return !broken_;
  }
  bool broken() const noexcept override { return broken_; }
  std::string describe() const override { return target_; }

  // Turns a client or server error into the matching exception; marks the connection broken when it
  // can no longer be trusted.
  [[noreturn]] void fail(unsigned error, const char* message, const std::string& sql) {
    std::string text = redact(message ? message : "unknown error", password_);
    std::string where = " (in: " + abbreviate(sql) + ")";
    if (isConnectionLoss(error)) {
      broken_ = true;
      throw sql::ConnectionLost("Lost the connection to the WHMCS database at " + target_ + ": " + text +
                                where);
    }
    if (error >= CR_MIN_ERROR && error <= CR_MAX_ERROR) {
      broken_ = true;  // a client-side failure leaves the protocol state unknown
      throw DatabaseError("WHMCS database client error " + std::to_string(error) + ": " + text + where);
    }
    std::string full = "WHMCS database error " + std::to_string(error) + ": " + text + where;
    if (error == ER_DUP_ENTRY) throw sql::DuplicateKey(full, error);
    if (error == ER_LOCK_DEADLOCK) throw sql::TransactionAborted(full, error);
    throw sql::StatementError(full, error);
  }

 private:
  void throwIfBroken(const std::string& sql) const {
    if (broken_) {
      throw sql::ConnectionLost("The connection to the WHMCS database at " + target_ +
                                " was lost earlier (in: " + abbreviate(sql) + ")");
    }
  }

  MYSQL* db_ = nullptr;
  std::string target_;
  std::string password_;  // only to scrub it from server messages
  bool broken_ = false;
};

MariaDbConnection::MariaDbConnection(const DbSettings& settings)
    : target_(describeTarget(settings)), password_(settings.password) {
  ensureLibraryInitialised();
  db_ = mysql_init(nullptr);
  if (!db_) throw ConnectFailed("out of memory (mysql_init)", 0, false);

  unsigned connect_timeout = static_cast<unsigned>(std::max(1, settings.connect_timeout_s));
  unsigned read_timeout = static_cast<unsigned>(std::max(1, settings.read_timeout_s));
  unsigned write_timeout = static_cast<unsigned>(std::max(1, settings.write_timeout_s));
  my_bool no = 0;
  unsigned protocol = settings.socket.empty() ? MYSQL_PROTOCOL_TCP : MYSQL_PROTOCOL_SOCKET;
  mysql_options(db_, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_options(db_, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  mysql_options(db_, MYSQL_OPT_WRITE_TIMEOUT, &write_timeout);
  mysql_options(db_, MYSQL_OPT_RECONNECT, &no);  // we reconnect ourselves, through the pool
  mysql_options(db_, MYSQL_OPT_LOCAL_INFILE, &no);  // a server must never read our files
  mysql_options(db_, MYSQL_OPT_PROTOCOL, &protocol);  // "localhost" must not silently mean the socket
  mysql_options(db_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  mysql_options(db_, MYSQL_INIT_COMMAND, kSessionInit);

  const bool tcp = settings.socket.empty();
  if (!mysql_real_connect(db_, tcp ? settings.host.c_str() : nullptr, settings.user.c_str(),
                          settings.password.c_str(), settings.database.c_str(),
                          tcp ? static_cast<unsigned>(settings.port) : 0,
                          tcp ? nullptr : settings.socket.c_str(), CLIENT_FOUND_ROWS)) {
    unsigned error = mysql_errno(db_);
    std::string message = redact(mysql_error(db_), settings.password);
    mysql_close(db_);
    db_ = nullptr;
    throw ConnectFailed(message, error, isTransientConnectError(error));
  }
}

MariaDbStatement::MariaDbStatement(MariaDbConnection& connection, MYSQL* db, std::string sql)
    : connection_(connection), sql_(std::move(sql)) {
  stmt_ = mysql_stmt_init(db);
  if (!stmt_) connection_.fail(mysql_errno(db), mysql_error(db), sql_);
  if (mysql_stmt_prepare(stmt_, sql_.data(), sql_.size()) != 0) {
    // The destructor does not run when a constructor throws: close the handle here.
    const unsigned error = mysql_stmt_errno(stmt_);
    const std::string message = mysql_stmt_error(stmt_);
    mysql_stmt_close(stmt_);
    stmt_ = nullptr;
    connection_.fail(error, message.c_str(), sql_);
  }
  param_count_ = mysql_stmt_param_count(stmt_);
  params_.reserve(param_count_);
  // Lets us size result buffers from the longest value instead of guessing.
  my_bool update_max_length = 1;
  mysql_stmt_attr_set(stmt_, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max_length);
}

MariaDbStatement::~MariaDbStatement() {
  freeResult();
  if (stmt_) mysql_stmt_close(stmt_);
}

void MariaDbStatement::fail() { connection_.fail(mysql_stmt_errno(stmt_), mysql_stmt_error(stmt_), sql_); }

MariaDbStatement::Param& MariaDbStatement::nextParam() {
  if (params_.size() >= param_count_) {
    throw DatabaseError("Too many values bound: the statement has " + std::to_string(param_count_) +
                        " placeholders (in: " + abbreviate(sql_) + ")");
  }
  return params_.emplace_back();
}

sql::Statement& MariaDbStatement::bindInt64(int64_t value) {
  Param& p = nextParam();
  p.type = MYSQL_TYPE_LONGLONG;
  p.integer = value;
  return *this;
}

sql::Statement& MariaDbStatement::bindText(const std::string& value) {
  Param& p = nextParam();
  p.type = MYSQL_TYPE_STRING;
  p.text = value;
  p.length = static_cast<unsigned long>(p.text.size());
  return *this;
}

sql::Statement& MariaDbStatement::bindDouble(double value) {
  Param& p = nextParam();
  p.type = MYSQL_TYPE_DOUBLE;
  p.real = value;
  return *this;
}

sql::Statement& MariaDbStatement::bindNull() {
  Param& p = nextParam();
  p.type = MYSQL_TYPE_NULL;
  p.is_null = 1;
  return *this;
}

sql::Statement& MariaDbStatement::execute() {
  if (params_.size() != param_count_) {
    throw DatabaseError("The statement has " + std::to_string(param_count_) + " placeholders but " +
                        std::to_string(params_.size()) + " values were bound (in: " + abbreviate(sql_) + ")");
  }
  freeResult();
  std::vector<MYSQL_BIND> binds(param_count_);
  for (std::size_t i = 0; i < params_.size(); ++i) {
    Param& p = params_[i];
    MYSQL_BIND& b = binds[i];
    std::memset(&b, 0, sizeof b);
    b.buffer_type = p.type;
    b.is_null = &p.is_null;
    switch (p.type) {
      case MYSQL_TYPE_LONGLONG:
        b.buffer = &p.integer;
        break;
      case MYSQL_TYPE_DOUBLE:
        b.buffer = &p.real;
        break;
      case MYSQL_TYPE_STRING:
        b.buffer = p.text.data();
        b.buffer_length = p.length;
        b.length = &p.length;
        break;
      default:
        break;
    }
  }
  if (param_count_ > 0 && mysql_stmt_bind_param(stmt_, binds.data()) != 0) fail();
  if (mysql_stmt_execute(stmt_) != 0) fail();

  if (mysql_stmt_field_count(stmt_) == 0) {
    affected_rows_ = mysql_stmt_affected_rows(stmt_);
    last_insert_id_ = mysql_stmt_insert_id(stmt_);
    return *this;
  }
  // Buffer the whole result client-side: our results are small, and the connection is free again
  // for the next statement even if the caller stops reading early.
  if (mysql_stmt_store_result(stmt_) != 0) fail();
  has_result_ = true;
  prepareResultBuffers();
  return *this;
}

void MariaDbStatement::prepareResultBuffers() {
  MYSQL_RES* meta = mysql_stmt_result_metadata(stmt_);
  if (!meta) fail();
  const unsigned columns = mysql_num_fields(meta);
  const MYSQL_FIELD* fields = mysql_fetch_fields(meta);
  result_binds_.assign(columns, MYSQL_BIND{});
  result_buffers_.assign(columns, {});
  result_lengths_.assign(columns, 0);
  result_nulls_.assign(columns, 0);
  result_errors_.assign(columns, 0);
  for (unsigned i = 0; i < columns; ++i) {
    // Everything is fetched as text; numbers and dates are converted by the library. A value longer
    // than the buffer is still read whole in nextRow() (MYSQL_DATA_TRUNCATED).
    result_buffers_[i].resize(std::max<std::size_t>(fields[i].max_length, 63) + 1);
    MYSQL_BIND& b = result_binds_[i];
    b.buffer_type = MYSQL_TYPE_STRING;
    b.buffer = result_buffers_[i].data();
    b.buffer_length = static_cast<unsigned long>(result_buffers_[i].size());
    b.length = &result_lengths_[i];
    b.is_null = &result_nulls_[i];
    b.error = &result_errors_[i];
  }
  mysql_free_result(meta);
  if (mysql_stmt_bind_result(stmt_, result_binds_.data()) != 0) fail();
}

bool MariaDbStatement::nextRow(sql::Row& row) {
  if (!has_result_) return false;
  int rc = mysql_stmt_fetch(stmt_);
  if (rc == MYSQL_NO_DATA) {
    freeResult();
    return false;
  }
  if (rc != 0 && rc != MYSQL_DATA_TRUNCATED) fail();

  std::vector<std::optional<std::string>> cells(result_binds_.size());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (result_nulls_[i]) continue;
    const unsigned long length = result_lengths_[i];
    if (length <= result_binds_[i].buffer_length) {
      cells[i].emplace(result_buffers_[i].data(), length);
      continue;
    }
    std::string whole(length, '\0');
    MYSQL_BIND b{};
    b.buffer_type = MYSQL_TYPE_STRING;
    b.buffer = whole.data();
    b.buffer_length = length;
    unsigned long fetched = 0;
    b.length = &fetched;
    if (mysql_stmt_fetch_column(stmt_, &b, static_cast<unsigned>(i), 0) != 0) fail();
    cells[i] = std::move(whole);
  }
  row = sql::Row(std::move(cells));
  return true;
}

sql::Statement& MariaDbStatement::reset() {
  freeResult();
  params_.clear();
  affected_rows_ = 0;
  last_insert_id_ = 0;
  return *this;
}

void MariaDbStatement::freeResult() noexcept {
  if (has_result_) {
    mysql_stmt_free_result(stmt_);
    has_result_ = false;
  }
}

std::string connectFailureReason(const ConnectFailed& e) {
  switch (e.errorNumber()) {
    case ER_ACCESS_DENIED_ERROR:
      return "Access denied: wrong user name or password, or this host may not connect (server said: " +
             std::string(e.what()) + ")";
    case ER_DBACCESS_DENIED_ERROR:
      return "The user may not use this database (server said: " + std::string(e.what()) + ")";
    case ER_BAD_DB_ERROR:
      return "No such database (server said: " + std::string(e.what()) + ")";
    case CR_UNKNOWN_HOST:
      return "Unknown host (" + std::string(e.what()) + ")";
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
      return "The server is not reachable (" + std::string(e.what()) + ")";
    default:
      return e.what();
  }
}

}  // namespace

std::string redact(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
  return text;
}

std::string describeTarget(const DbSettings& settings) {
  std::string where = settings.socket.empty() ? settings.host + ":" + std::to_string(settings.port)
                                              : "socket " + settings.socket;
  return where + " as '" + settings.user + "'";
}

std::unique_ptr<sql::Connection> connectOnce(const DbSettings& settings) {
  return std::make_unique<MariaDbConnection>(settings);
}

std::unique_ptr<sql::Connection> connectWithRetry(const DbSettings& settings) {
  const int attempts = std::max(1, settings.reconnect_attempts);
  std::chrono::milliseconds backoff{100};
  const std::chrono::milliseconds max_backoff{2000};
  for (int attempt = 1;; ++attempt) {
    try {
      return connectOnce(settings);
    } catch (const ConnectFailed& e) {
      std::string message = "Cannot connect to the WHMCS database at " + describeTarget(settings) + ": " +
                            connectFailureReason(e);
      if (!e.transient() || attempt >= attempts) {
        if (e.transient() && attempts > 1) message += " (tried " + std::to_string(attempts) + " times)";
        if (!settings.origin.empty()) message += ". Check " + settings.origin;
        throw DatabaseError(message);
      }
      spdlog::warn("{} (attempt {}/{}); retrying in {} ms", message, attempt, attempts, backoff.count());
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, max_backoff);
    }
  }
}

}  // namespace puq::whmcs
