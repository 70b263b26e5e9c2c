// The command line: argument parsing and the commands (see cli.hpp, docs/operations.md).
#include "puq/cli/cli.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "puq/cli/daemon_client.hpp"
#include "puq/cli/format.hpp"
#include "puq/common/config.hpp"
#include "puq/common/secrets.hpp"

namespace puq::cli {
namespace {

using nlohmann::json;

constexpr int kSyncTimeoutS = 3600;  // one server; a NAS with many thousand users takes minutes at most

bool parseId(const std::string& text, int64_t& out) {
  if (text.empty() || text.size() > 12) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  out = std::strtoll(text.c_str(), nullptr, 10);
  return out > 0;
}

struct Context {
  Options options;
  std::ostream& out;
  std::ostream& err;
  bool tty;
  DaemonClient client;
};

// The answer without "dsm_calls" (the module log's material, noise here).
void printJson(std::ostream& out, json j) {
  if (j.is_object()) j.erase("dsm_calls");
  if (j.is_array())
    for (auto& e : j)
      if (e.is_object()) e.erase("dsm_calls");
  out << j.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

int commandStatus(Context& c) {
  const json status = c.client.call("GET", "/v1/status");
  if (c.options.json)
    printJson(c.out, status);
  else
    c.out << formatStatus(status);
  return status.value("database", "") == "ok" ? kExitOk : kExitError;
}

int commandSync(Context& c) {
  struct Target {
    int64_t id;
    std::string name;
  };
  std::vector<Target> targets;
  if (c.options.all) {
    const json status = c.client.call("GET", "/v1/status");
    if (status.value("database", "") != "ok")
      throw CliError("the daemon cannot read the WHMCS database: " + status.value("database_error", std::string("?")));
    const json& stored = status.value("stored_credentials", json::object());
    if (!stored.value("available", false)) throw CliError(stored.value("reason", std::string("unavailable")));
    for (const auto& s : status.value("servers", json::array())) {
      if (s.value("disabled", false)) continue;
      targets.push_back({s.value("id", int64_t{0}), s.value("name", std::string())});
    }
    if (targets.empty()) {
      c.out << "No enabled puqSynology server is set up in WHMCS: nothing to sync.\n";
      return kExitOk;
    }
  } else {
    targets.push_back({c.options.server_id, "server " + std::to_string(c.options.server_id)});
  }

  json reports = json::array();
  size_t failed = 0;
  int64_t users = 0;
  const auto started = std::chrono::steady_clock::now();
  for (size_t i = 0; i < targets.size(); ++i) {
    const auto& t = targets[i];
    const std::string label = t.name.empty() ? "server " + std::to_string(t.id) : t.name;
    if (c.tty && !c.options.json) c.out << "\r\033[K" << progressLine(i, targets.size(), label) << std::flush;
    std::string line;
    try {
      json report = c.client.call("POST", "/v1/usage/sync-stored", {{"server_id", t.id}}, kSyncTimeoutS);
      users += report.value("users_read", int64_t{0});
      const std::string name = report.value("server_name", std::string());
      line = formatSyncResult(i + 1, targets.size(), c.options.all || name.empty() ? label : name, report);
      reports.push_back(std::move(report));
    } catch (const CliError& e) {
      if (c.tty && !c.options.json) c.out << "\r\033[K" << std::flush;
      if (!c.options.all) throw;  // one server: the message goes to stderr
      ++failed;
      line = formatSyncFailure(i + 1, targets.size(), label, e.what());
      reports.push_back({{"server_id", t.id}, {"error", e.what()}});
    }
    if (c.tty && !c.options.json) c.out << "\r\033[K";
    if (!c.options.json) c.out << line << std::flush;
  }
  if (c.options.json) {
    printJson(c.out, reports);
  } else if (targets.size() > 1) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    c.out << "Synced " << (targets.size() - failed) << " of " << targets.size() << " servers: " << users
          << (users == 1 ? " user" : " users") << " in " << formatSeconds(seconds)
          << (failed ? ", " + std::to_string(failed) + " failed" : std::string()) << "\n";
  }
  if (failed) {
    c.err << "puq-synologyd sync: " << failed << " of " << targets.size()
          << " servers failed; each failure is explained above\n";
    return kExitError;
  }
  return kExitOk;
}

int commandAccounts(Context& c) {
  const json report =
      c.client.call("POST", "/v1/server/reconcile-stored", {{"server_id", c.options.server_id}}, kSyncTimeoutS);
  if (c.options.json)
    printJson(c.out, report);
  else
    c.out << formatReconcile(report);
  return kExitOk;
}

int commandNotifications(Context& c) {
  json body = {{"limit", c.options.limit}};
  if (!c.options.status.empty()) body["status"] = c.options.status;
  const json list = c.client.call("POST", "/v1/notifications/list", body);
  if (c.options.json)
    printJson(c.out, list);
  else
    c.out << formatNotifications(list);
  return kExitOk;
}

}  // namespace

bool isCommand(const std::string& word) {
  return word == "status" || word == "sync" || word == "accounts" || word == "notifications" || word == "help";
}

bool wantsCli(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config") {
      ++i;  // its value
      continue;
    }
    if (!args[i].empty() && args[i][0] != '-') return true;  // a command word (or a mistyped one)
  }
  return false;
}

std::string usageText() {
  return std::string(
             "Usage: puq-synologyd [--config FILE] <command> [options]\n"
             "\n"
             "Commands talk to the running daemon over its API, signed with the secret file named in the\n"
             "config (default config: ") +
         kDefaultConfigPath +
         "). Run them as root or as the daemon's user.\n"
         "\n"
         "  status                          daemon version, uptime and database; per WHMCS server: services,\n"
         "                                  last usage update, pending and failed notifications\n"
         "  sync --server ID | --all        sync disk usage now, with the server credentials stored in WHMCS\n"
         "                                  (needs [database] whmcs_configuration)\n"
         "  accounts --server ID            DSM users with no service, and services with no DSM user\n"
         "  notifications [--status pending|sent|failed] [--limit N]\n"
         "                                  the notification outbox, newest first (N: 1-1000, default 100)\n"
         "  help                            this text\n"
         "\n"
         "Options of every command:\n"
         "  --config FILE                   the daemon's configuration file\n"
         "  --json                          print the daemon's JSON answer\n"
         "\n"
         "Exit codes: 0 ok, 1 error (the message says what to fix), 2 wrong command line.\n"
         "Without a command, puq-synologyd runs the daemon (puq-synologyd --help).\n";
}

ParseResult parseArgs(const std::vector<std::string>& args) {
  Options o;
  bool have_server = false, have_status = false, have_limit = false;
  auto fail = [](const std::string& message) { return ParseResult{std::nullopt, message}; };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    // "--name value" or "--name=value"
    auto value = [&](const std::string& name, std::string& out) -> std::optional<std::string> {
      if (a == name) {
        if (i + 1 >= args.size()) return name + " needs a value";
        out = args[++i];
        return std::string();
      }
      if (a.rfind(name + "=", 0) == 0) {
        out = a.substr(name.size() + 1);
        return std::string();
      }
      return std::nullopt;
    };
    std::string v;
    if (auto r = value("--config", v)) {
      if (!r->empty()) return fail(*r);
      if (v.empty()) return fail("--config needs a file name");
      o.config_path = v;
    } else if (auto r = value("--server", v)) {
      if (!r->empty()) return fail(*r);
      if (!parseId(v, o.server_id)) return fail("--server needs the WHMCS server id (a positive number), not '" + v + "'");
      have_server = true;
    } else if (auto r = value("--status", v)) {
      if (!r->empty()) return fail(*r);
      if (v != "pending" && v != "sent" && v != "failed")
        return fail("--status must be pending, sent or failed, not '" + v + "'");
      o.status = v;
      have_status = true;
    } else if (auto r = value("--limit", v)) {
      if (!r->empty()) return fail(*r);
      int64_t n = 0;
      if (!parseId(v, n) || n > 1000) return fail("--limit must be a number from 1 to 1000, not '" + v + "'");
      o.limit = static_cast<int>(n);
      have_limit = true;
    } else if (a == "--all") {
      o.all = true;
    } else if (a == "--json") {
      o.json = true;
    } else if (a == "--help" || a == "-h") {
      o.command = "help";
    } else if (!a.empty() && a[0] == '-') {
      return fail("unknown option '" + a + "'");
    } else if (o.command.empty()) {
      if (!isCommand(a)) return fail("unknown command '" + a + "'");
      o.command = a;
    } else if (o.command != "help") {
      return fail("unexpected argument '" + a + "' after the command '" + o.command + "'");
    }
  }
  if (o.command.empty()) return fail("no command given");
  if (o.command == "help") return {o, ""};

  const bool sync = o.command == "sync", accounts = o.command == "accounts", notes = o.command == "notifications";
  if (o.all && !sync) return fail("--all belongs to the sync command");
  if (have_server && !sync && !accounts) return fail("--server belongs to the sync and accounts commands");
  if ((have_status || have_limit) && !notes) return fail("--status and --limit belong to the notifications command");
  if (sync && have_server == o.all) return fail("sync needs either --server ID or --all");
  if (accounts && !have_server) return fail("accounts needs --server ID");
  return {o, ""};
}

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, bool out_is_tty) {
  const ParseResult parsed = parseArgs(args);
  if (!parsed.options) {
    err << "puq-synologyd: " << parsed.error << "\n\n" << usageText();
    return kExitUsage;
  }
  const Options& o = *parsed.options;
  if (o.command == "help") {
    out << usageText();
    return kExitOk;
  }
  try {
    Config config;
    std::string secret;
    try {
      config = loadConfig(o.config_path);
      secret = loadSecretFile(config.daemon.secret_file);
    } catch (const std::exception& e) {
      // The config and the secret file are readable by root and the daemon's user only, by design.
      throw CliError(std::string(e.what()) +
                     "\n(the command needs the daemon's configuration and secret file: run it as root or as the "
                     "daemon's user, and name another file with --config FILE)");
    }
    Context c{o, out, err, out_is_tty, DaemonClient::fromConfig(config, std::move(secret))};
    if (o.command == "status") return commandStatus(c);
    if (o.command == "sync") return commandSync(c);
    if (o.command == "accounts") return commandAccounts(c);
    return commandNotifications(c);
  } catch (const CliError& e) {
    out.flush();
    err << "puq-synologyd " << o.command << ": " << e.what() << "\n";
    return kExitError;
  } catch (const std::exception& e) {
    out.flush();
    err << "puq-synologyd " << o.command << ": " << e.what() << "\n";
    return kExitError;
  }
}

}  // namespace puq::cli
