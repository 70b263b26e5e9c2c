#pragma once
// A small SQL layer in the PowerDNS SSql style: pure-virtual Connection and Statement, one MariaDB
// implementation (mariadb_connection.hpp). Every statement that carries values is a prepared statement;
// Connection::execute() exists only for SQL without values (DDL, SET, transaction control).
//
// Not thread-safe: one Connection (and the Statements prepared on it) belongs to one thread at a time.
// ConnectionPool (connection_pool.hpp) hands connections to threads.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "puq/common/error.hpp"

namespace puq::whmcs::sql {

// The server refused a statement (syntax, constraint, lock...). errorNumber() is MariaDB's ER_* number.
class StatementError : public DatabaseError {
 public:
  StatementError(const std::string& message, unsigned error_number)
      : DatabaseError(message), error_number_(error_number) {}
  unsigned errorNumber() const noexcept { return error_number_; }

 private:
  unsigned error_number_;
};

// ER_DUP_ENTRY: a PRIMARY or UNIQUE key already holds this value. Callers turn it into a Conflict.
struct DuplicateKey : StatementError {
  using StatementError::StatementError;
};

// ER_LOCK_DEADLOCK: the server rolled the whole transaction back; running it again is safe.
struct TransactionAborted : StatementError {
  using StatementError::StatementError;
};

// The connection died (server restart, KILL, network cut, read timeout). Whether the statement ran is
// unknown, so only reads and idempotent transactions may be retried (docs/database.md, "Retry rule").
struct ConnectionLost : DatabaseError {
  using DatabaseError::DatabaseError;
};

// One result row. Cells are text as the server sends them; NULL is kept distinct from "".
class Row {
 public:
  Row() = default;
  explicit Row(std::vector<std::optional<std::string>> cells) : cells_(std::move(cells)) {}

  std::size_t size() const noexcept { return cells_.size(); }
  bool isNull(std::size_t column) const;
  // "" for NULL.
  const std::string& text(std::size_t column) const;
  std::optional<std::string> optionalText(std::size_t column) const;
  // 0 for NULL; throws DatabaseError when the cell is not an integer.
  int64_t int64(std::size_t column) const;
  std::optional<int64_t> optionalInt64(std::size_t column) const;
  // 0.0 for NULL; throws DatabaseError when the cell is not a number.
  double real(std::size_t column) const;

 private:
  const std::optional<std::string>& cell(std::size_t column) const;
  std::vector<std::optional<std::string>> cells_;
};

// A prepared statement. Values are bound in placeholder order, then execute(); rows are read with
// nextRow(). reset() makes it ready for another set of values. Must not outlive its Connection.
class Statement {
 public:
  virtual ~Statement() = default;

  virtual Statement& bindInt64(int64_t value) = 0;
  virtual Statement& bindText(const std::string& value) = 0;
  virtual Statement& bindDouble(double value) = 0;
  virtual Statement& bindNull() = 0;

  // Throws StatementError/ConnectionLost. Also throws when fewer or more values were bound than the
  // statement has placeholders.
  virtual Statement& execute() = 0;
  // False once the rows are exhausted (or when the statement returned none).
  virtual bool nextRow(Row& row) = 0;
  // Rows matched by the last INSERT/UPDATE/DELETE (the connection uses CLIENT_FOUND_ROWS).
  virtual uint64_t affectedRows() const = 0;
  virtual uint64_t lastInsertId() const = 0;
  virtual Statement& reset() = 0;

  // Convenience overloads, so `bind(42)` and `bind("x")` pick the obvious type.
  Statement& bind(int64_t value) { return bindInt64(value); }
  Statement& bind(int value) { return bindInt64(value); }
  Statement& bind(const std::string& value) { return bindText(value); }
  Statement& bind(const char* value) { return bindText(value); }
  Statement& bind(double value) { return bindDouble(value); }
  Statement& bind(std::nullptr_t) { return bindNull(); }
  template <typename T>
  Statement& bind(const std::optional<T>& value) {
    return value ? bind(*value) : bindNull();
  }

  std::vector<Row> allRows();
  // The first row, if any (the remaining rows are discarded).
  std::optional<Row> firstRow();
};

class Connection {
 public:
  virtual ~Connection() = default;

  virtual std::unique_ptr<Statement> prepare(const std::string& sql) = 0;
  // Only for SQL without values: DDL, SET, transaction control. Any result set is discarded.
  virtual void execute(const std::string& sql) = 0;

  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;

  // A cheap round trip. Never throws; false marks the connection broken.
  virtual bool ping() noexcept = 0;
  // True once the connection is unusable (lost or in an unknown protocol state): never reuse it.
  virtual bool broken() const noexcept = 0;
  // "127.0.0.1:3306 as 'whmcs'" (never the password): for log lines and error messages.
  virtual std::string describe() const = 0;
};

// Commits on commit(), rolls back otherwise (an exception leaving the scope).
class Transaction {
 public:
  explicit Transaction(Connection& connection) : connection_(connection) { connection_.begin(); }
  ~Transaction() {
    if (done_ || connection_.broken()) return;
    try {
      connection_.rollback();
    } catch (...) {  // a destructor must not throw; the connection is marked broken and discarded
    }
  }
  void commit() {
    done_ = true;  // set first: if COMMIT itself fails there is nothing left to roll back
    connection_.commit();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

 private:
  Connection& connection_;
  bool done_ = false;
};

}  // namespace puq::whmcs::sql
