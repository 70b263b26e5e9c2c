#pragma once
// Plain data types of the DSM client, shared by the client, the provisioning rules and the usage sync.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace puq::dsm {

// How to reach one NAS and as whom. Built per request from the WHMCS server record that the PHP module
// forwards (WHMCS hands the module the decrypted server password).
struct Endpoint {
  int64_t server_id = 0;      // tblservers.id, 0 when unknown (TestConnection before save)
  std::string host;           // hostname or IP, no scheme
  int port = 5001;
  bool https = true;
  bool verify_tls = true;     // per-server opt-out for self-signed certificates
  std::string ca_file;        // optional extra CA bundle (PEM)
  std::string username;
  std::string password;
  int connect_timeout_ms = 5000;
  int timeout_ms = 30000;

  // Identity of the session cache entry: one DSM session per (host, port, scheme, account).
  std::string sessionKey() const;
  // "https://nas.example.com:5001", for messages and logs (no credentials).
  std::string baseUrl() const;
};

struct DsmInfo {
  std::string model;
  std::string version;         // build number, e.g. "41222"
  std::string version_string;  // "DSM 7.0-41222"
  std::string serial;
  int64_t ram_mb = 0;
  int major = 0, minor = 0;    // parsed from version_string
};

struct User {
  std::string name;
  int64_t uid = -1;
  std::string description;
  std::string email;
  std::string expired;  // "normal" (active), "now" (disabled/suspended) or a date "YYYY/M/D"
};

struct NewUser {
  std::string name;
  std::string password;
  std::string description;
  std::string email;
};

struct Group {
  std::string name;
  std::string description;
  int64_t gid = -1;  // -1 when DSM did not report it (Group list often omits it)
};

struct PasswordPolicy {
  bool present = false;  // false when the NAS does not offer SYNO.Core.User.PasswordPolicy
  bool exclude_username = false;
  bool included_numeric_char = false;
  bool included_special_char = false;
  bool mixed_case = false;
  bool min_length_enable = false;
  int min_length = 0;
};

struct HomeService {
  bool enable = false;
  std::string location;  // "/volume1"
};

// Usage of one user, as SYNO.Core.Quota get reports it (MB). quota_mb == 0 means unlimited.
struct UserUsage {
  std::string name;
  bool found = false;      // false: DSM answered "no such user" (or another per-user error, see error_code)
  int error_code = 0;      // DSM code of the per-user failure inside the compound answer
  double used_mb = 0;      // sum over the shares of all volumes
  double quota_mb = 0;     // quota on the "homes" share when set, otherwise the largest share quota
};

enum class DeleteResult { Deleted, NotFound };

}  // namespace puq::dsm
