#pragma once
// The command line of puq-synologyd (docs/operations.md): `puq-synologyd [--config FILE] <command>`.
// A command talks to the RUNNING daemon over its HTTP API, signing each request with the secret file
// named in the config, exactly as the PHP module does; it never opens the database or a NAS itself.
//
//   status                              daemon version, uptime, database; per WHMCS server: services,
//                                       last usage update, pending and failed notifications
//   sync --server ID | --all            usage sync with the credentials stored in WHMCS
//   accounts --server ID                DSM users with no service, services with no DSM user
//   notifications [--status S] [--limit N]   the outbox (S: pending, sent or failed)
//
// Exit codes: 0 ok, 1 error (the message on stderr names what to fix), 2 usage.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace puq::cli {

inline constexpr const char* kDefaultConfigPath = "/etc/puq-synologyd/puq-synologyd.conf";

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;

struct Options {
  std::string command;  // status | sync | accounts | notifications | help
  std::string config_path = kDefaultConfigPath;
  int64_t server_id = 0;  // sync, accounts
  bool all = false;       // sync --all
  std::string status;     // notifications --status ("" = any)
  int limit = 100;        // notifications --limit (1..1000)
  bool json = false;      // print the daemon's JSON answer instead of text
};

struct ParseResult {
  std::optional<Options> options;
  std::string error;  // set when options is empty: what is wrong with the command line
};

// The command words.
bool isCommand(const std::string& word);
// True when the arguments (without argv[0]) name a command: the first word that is neither an option
// nor the value of --config. Then main() hands them to run() instead of starting the daemon.
bool wantsCli(const std::vector<std::string>& args);
ParseResult parseArgs(const std::vector<std::string>& args);
std::string usageText();

// Runs one command; returns the exit code. `out_is_tty` turns on the progress bar of sync.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, bool out_is_tty);

}  // namespace puq::cli
