#pragma once
// One exception family for everything that breaks the normal flow of a request. Each error carries a
// stable machine code (documented in docs/errors.md, mirrored by the PHP module) and a message a WHMCS
// admin can act on. Expected outcomes ("no such user", "name taken") are values, not exceptions.
#include <stdexcept>
#include <string>

namespace puq {

class Error : public std::runtime_error {
 public:
  Error(std::string code, const std::string& message, int http_status = 500)
      : std::runtime_error(message), code_(std::move(code)), http_status_(http_status) {}
  const std::string& code() const noexcept { return code_; }
  int httpStatus() const noexcept { return http_status_; }

 private:
  std::string code_;
  int http_status_;
};

// The caller sent something malformed: a missing field, a wrong type, an out-of-range value.
struct BadRequest : Error {
  explicit BadRequest(const std::string& message, std::string code = "bad_request")
      : Error(std::move(code), message, 400) {}
};

// A request that failed authentication (HMAC, timestamp, replay).
struct Unauthorized : Error {
  explicit Unauthorized(const std::string& message) : Error("unauthorized", message, 401) {}
};

// Something the request refers to does not exist (a service id, an unknown route).
struct NotFound : Error {
  explicit NotFound(const std::string& message, std::string code = "not_found")
      : Error(std::move(code), message, 404) {}
};

// A product setting (configoptionN) the admin entered is invalid; the message names the setting.
struct SettingError : Error {
  explicit SettingError(const std::string& message) : Error("setting_invalid", message, 422) {}
};

// The configuration file or the secret file is unusable.
struct ConfigError : Error {
  explicit ConfigError(const std::string& message) : Error("config_invalid", message, 500) {}
};

// The WHMCS database could not be reached or refused a statement.
struct DatabaseError : Error {
  explicit DatabaseError(const std::string& message) : Error("database_error", message, 503) {}
};

// A state conflict the admin must resolve (for example a DSM user that exists but is not ours).
struct Conflict : Error {
  explicit Conflict(const std::string& message, std::string code = "conflict")
      : Error(std::move(code), message, 409) {}
};

}  // namespace puq
