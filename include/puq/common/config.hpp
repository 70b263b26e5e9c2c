#pragma once
// The daemon's configuration file (/etc/puq-synologyd/puq-synologyd.conf), INI style:
//
//   [section]
//   key = value          # a whole-line comment starts with '#' or ';'
//   key = "quoted value" # quotes keep surrounding spaces; \" and \\ are the only escapes
//
// Every option is declared once, in the option table in src/common/config.cpp, with its default,
// allowed values and help text. That table drives parsing, validation, documentedExample() (the
// shipped config/puq-synologyd.conf.example) and configOptions() (docs, --help).
#include <cstddef>
#include <string>
#include <vector>

#include "puq/whmcs/store.hpp"

namespace puq {

struct DaemonConfig {
  std::string listen_address = "127.0.0.1";
  int listen_port = 8733;
  bool allow_remote = false;  // must be true to listen on a non-loopback address
  std::string secret_file = "/etc/puq-synologyd/secret";
  int worker_threads = 8;
  int max_queued_requests = 256;
  size_t max_body_bytes = 1048576;
  int replay_window_seconds = 300;
  std::string log_level = "info";
  std::string log_file;  // empty = stderr
  // When set, GET /metrics also accepts "Authorization: Bearer <metrics_token>" (for Prometheus);
  // empty = /metrics needs a signed request like every route.
  std::string metrics_token;
};

struct DsmSettings {
  int connect_timeout_ms = 5000;
  int timeout_ms = 30000;
  std::string ca_file;  // empty = the system trust store
  int usage_batch_size = 50;
  int usage_max_in_flight = 4;
};

struct Config {
  DaemonConfig daemon;
  puq::whmcs::DbSettings database;
  std::string whmcs_configuration;  // WHMCS configuration.php the [database] settings were completed from
  // $cc_encryption_hash from whmcs_configuration (empty when not configured or not a plain literal).
  // WHMCS's key for tblservers.password; a secret: never log it (the daemon registers it for redaction).
  std::string whmcs_cc_encryption_hash;
  DsmSettings dsm;
  std::string source_path;          // the file this was loaded from
};

// Reads and validates the file. Throws ConfigError whose message lists EVERY problem found, one per
// line, as "file:line: what is wrong; what is allowed".
Config loadConfig(const std::string& path);

// The problems loadConfig would report, plus deployment checks (the secret file is usable; a config
// file holding a password is not readable by every user). Empty when valid.
// Backs `puq-synologyd --check-config`.
std::vector<std::string> checkConfig(const std::string& path);

// The complete, commented example configuration generated from the option table. The shipped
// config/puq-synologyd.conf.example is exactly this text (a unit test keeps them equal).
std::string documentedExample();

// One row of the option table, for documentation and --help.
struct ConfigOptionInfo {
  std::string section;
  std::string key;
  std::string default_value;  // as written in the file; empty = unset
  std::string allowed;        // what values are accepted
  std::string help;
};
std::vector<ConfigOptionInfo> configOptions();

// True for 127.0.0.0/8, ::1 (also IPv4-mapped ::ffff:127.x.x.x) and "localhost".
bool isLoopbackAddress(const std::string& address);

}  // namespace puq
