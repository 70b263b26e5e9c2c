#pragma once
// The MariaDB Connector/C implementation of sql::Connection.
//
// Each connection: connect/read/write timeouts from DbSettings, utf8mb4, TCP to host:port or the unix
// socket when DbSettings::socket is set, the library's own auto-reconnect OFF (a silent reconnect would
// lose session state and transactions; we reconnect through the pool instead), CLIENT_FOUND_ROWS (an
// UPDATE reports the rows it matched), and strict SQL mode for this session (WHMCS servers often run
// with sql_mode='', which would silently truncate a value instead of failing).
#include <memory>
#include <string>

#include "puq/whmcs/sql.hpp"
#include "puq/whmcs/store.hpp"

namespace puq::whmcs {

// One connection attempt failed. transient() tells whether trying again can help (server down,
// refused, too many connections) as opposed to wrong credentials or an unknown database.
class ConnectFailed : public DatabaseError {
 public:
  ConnectFailed(const std::string& message, unsigned error_number, bool transient)
      : DatabaseError(message), error_number_(error_number), transient_(transient) {}
  unsigned errorNumber() const noexcept { return error_number_; }
  bool transient() const noexcept { return transient_; }

 private:
  unsigned error_number_;
  bool transient_;
};

// Where the settings point, for messages: "127.0.0.1:3306 as 'whmcs'" or "socket /run/x.sock as 'whmcs'".
std::string describeTarget(const DbSettings& settings);

// One attempt; throws ConnectFailed (message already free of the password).
std::unique_ptr<sql::Connection> connectOnce(const DbSettings& settings);

// Up to max(1, settings.reconnect_attempts) attempts with exponential backoff (100 ms doubling, at
// most 2 s) while the failure is transient. Throws DatabaseError with a message an admin can act on:
//   "Cannot connect to the WHMCS database at 127.0.0.1:3306 as 'whmcs': Access denied (wrong user
//    name or password). Check [database] in /etc/puq-synologyd/puq-synologyd.conf"
std::unique_ptr<sql::Connection> connectWithRetry(const DbSettings& settings);

// Replaces every occurrence of `secret` in `text` with "***" (no-op for an empty secret). Connector/C
// messages never contain the password today; this keeps it that way whatever a server sends back.
std::string redact(std::string text, const std::string& secret);

}  // namespace puq::whmcs
