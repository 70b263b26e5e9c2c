// The command line (puq-synologyd <command>): argument parsing and text output, without a daemon.
#include <catch2/catch.hpp>
#include <sstream>

#include "puq/cli/cli.hpp"
#include "puq/cli/daemon_client.hpp"
#include "puq/cli/format.hpp"

using namespace puq::cli;
using nlohmann::json;

namespace {
Options parsed(const std::vector<std::string>& args) {
  const auto r = parseArgs(args);
  INFO(r.error);
  REQUIRE(r.options);
  return *r.options;
}
std::string parseError(const std::vector<std::string>& args) {
  const auto r = parseArgs(args);
  REQUIRE_FALSE(r.options);
  return r.error;
}
}  // namespace

TEST_CASE("cli: a command word sends the arguments to the command line, options alone start the daemon", "[cli]") {
  CHECK(wantsCli({"status"}));
  CHECK(wantsCli({"--config", "/etc/x.conf", "status"}));
  CHECK(wantsCli({"--config=/etc/x.conf", "sync", "--all"}));
  CHECK(wantsCli({"stauts"}));  // a typo reaches the command line, which names it
  CHECK_FALSE(wantsCli({}));
  CHECK_FALSE(wantsCli({"--config", "/etc/status"}));  // the value of --config is not a command
  CHECK_FALSE(wantsCli({"--check-config", "--config", "x.conf"}));
  CHECK_FALSE(wantsCli({"--version"}));
}

TEST_CASE("cli: arguments are parsed with their defaults", "[cli]") {
  auto o = parsed({"status"});
  CHECK(o.command == "status");
  CHECK(o.config_path == kDefaultConfigPath);
  CHECK_FALSE(o.json);

  o = parsed({"--config", "/tmp/a.conf", "sync", "--server", "12", "--json"});
  CHECK(o.command == "sync");
  CHECK(o.config_path == "/tmp/a.conf");
  CHECK(o.server_id == 12);
  CHECK_FALSE(o.all);
  CHECK(o.json);

  o = parsed({"sync", "--all", "--config=/tmp/b.conf"});
  CHECK(o.all);
  CHECK(o.config_path == "/tmp/b.conf");

  o = parsed({"accounts", "--server=3"});
  CHECK(o.command == "accounts");
  CHECK(o.server_id == 3);

  o = parsed({"notifications"});
  CHECK(o.status.empty());
  CHECK(o.limit == 100);
  o = parsed({"notifications", "--status", "failed", "--limit", "5"});
  CHECK(o.status == "failed");
  CHECK(o.limit == 5);

  CHECK(parsed({"help"}).command == "help");
  CHECK(parsed({"sync", "--help"}).command == "help");
}

TEST_CASE("cli: a wrong command line names the problem", "[cli]") {
  CHECK(parseError({"stauts"}) == "unknown command 'stauts'");
  CHECK(parseError({"sync"}) == "sync needs either --server ID or --all");
  CHECK(parseError({"sync", "--server", "1", "--all"}) == "sync needs either --server ID or --all");
  CHECK(parseError({"sync", "--server"}) == "--server needs a value");
  CHECK(parseError({"sync", "--server", "abc"}).find("positive number") != std::string::npos);
  CHECK(parseError({"sync", "--server", "0"}).find("positive number") != std::string::npos);
  CHECK(parseError({"accounts"}) == "accounts needs --server ID");
  CHECK(parseError({"accounts", "--all", "--server", "1"}) == "--all belongs to the sync command");
  CHECK(parseError({"status", "--server", "1"}) == "--server belongs to the sync and accounts commands");
  CHECK(parseError({"notifications", "--status", "done"}).find("pending, sent or failed") != std::string::npos);
  CHECK(parseError({"notifications", "--limit", "1001"}).find("1 to 1000") != std::string::npos);
  CHECK(parseError({"status", "--limit", "3"}).find("notifications command") != std::string::npos);
  CHECK(parseError({"status", "--verbose"}) == "unknown option '--verbose'");
  CHECK(parseError({"status", "extra"}) == "unexpected argument 'extra' after the command 'status'");
  CHECK(parseError({"--json"}) == "no command given");
}

TEST_CASE("cli: run() exits 2 on a wrong command line and 1 with a message naming the config", "[cli]") {
  std::ostringstream out, err;
  CHECK(run({"sync"}, out, err, false) == kExitUsage);
  CHECK(err.str().find("sync needs either --server ID or --all") != std::string::npos);
  CHECK(err.str().find("Usage: puq-synologyd") != std::string::npos);

  std::ostringstream out2, err2;
  CHECK(run({"help"}, out2, err2, false) == kExitOk);
  CHECK(out2.str().find("notifications [--status") != std::string::npos);

  std::ostringstream out3, err3;
  CHECK(run({"--config", "/nonexistent/puq.conf", "status"}, out3, err3, false) == kExitError);
  CHECK(err3.str().find("/nonexistent/puq.conf") != std::string::npos);
  CHECK(err3.str().find("--config FILE") != std::string::npos);
}

TEST_CASE("cli: durations and the connect address", "[cli]") {
  CHECK(formatUptime(7) == "7s");
  CHECK(formatUptime(725) == "12m 5s");
  CHECK(formatUptime(4 * 3600) == "4h 0m");
  CHECK(formatUptime(3 * 86400 + 4 * 3600 + 12 * 60 + 9) == "3d 4h 12m");
  CHECK(formatSeconds(0.0351) == "35 ms");
  CHECK(formatSeconds(0.8) == "0.8 s");
  CHECK(formatSeconds(12.34) == "12.3 s");
  CHECK(formatSeconds(125) == "2 min 5 s");
  CHECK(connectHost("0.0.0.0") == "127.0.0.1");
  CHECK(connectHost("::") == "::1");
  CHECK(connectHost("127.0.0.2") == "127.0.0.2");
  CHECK(DaemonClient("::1", 8733, "s", "c").baseUrl() == "http://[::1]:8733");
}

TEST_CASE("cli: tables pad by characters, not bytes, and right-align numbers", "[cli]") {
  const std::string t = table({"ID", "NAME"}, {{"1", "Zürich"}, {"12", "NAS"}}, {true});
  CHECK(t == "ID  NAME\n"
             " 1  Zürich\n"
             "12  NAS\n");
}

TEST_CASE("cli: status output", "[cli]") {
  const json status = {
      {"version", "0.1.0"},
      {"uptime_seconds", 273600 + 720},
      {"database", "ok"},
      {"schema_version", 3},
      {"notifications", {{"pending", 2}, {"sent", 10}, {"failed", 1}}},
      {"stored_credentials", {{"available", true}, {"reason", ""}}},
      {"servers",
       {{{"id", 1}, {"name", "NAS 1"}, {"hostname", "nas1.example.com"}, {"ipaddress", ""}, {"port", 5001},
         {"secure", true}, {"disabled", false}, {"services", 120}, {"last_usage_update", "2025-03-15 03:00:12"},
         {"notifications_pending", 2}, {"notifications_failed", 1}},
        {{"id", 4}, {"name", "NAS 4"}, {"hostname", ""}, {"ipaddress", "192.0.2.4"}, {"port", 0}, {"secure", true},
         {"disabled", true}, {"services", 0}, {"last_usage_update", nullptr}, {"notifications_pending", 0},
         {"notifications_failed", 0}}}}};
  const std::string text = formatStatus(status);
  CHECK(text.find("puq-synologyd 0.1.0, up 3d 4h 12m\n") == 0);
  CHECK(text.find("database: ok (schema version 3)\n") != std::string::npos);
  CHECK(text.find("notifications: 2 pending, 10 sent, 1 failed\n") != std::string::npos);
  CHECK(text.find("command-line sync and accounts: available\n") != std::string::npos);
  CHECK(text.find("ID  NAME              HOST                   SERVICES  LAST USAGE UPDATE    PENDING  FAILED\n") !=
        std::string::npos);
  CHECK(text.find(" 1  NAS 1             nas1.example.com:5001       120  2025-03-15 03:00:12        2       1\n") !=
        std::string::npos);
  CHECK(text.find(" 4  NAS 4 (disabled)  192.0.2.4                     0  never                      0       0\n") !=
        std::string::npos);

  const json down = {{"version", "0.1.0"},
                     {"uptime_seconds", 5},
                     {"database", "unreachable"},
                     {"database_error", "Cannot connect to the WHMCS database at 127.0.0.1:3306"},
                     {"notifications", {{"pending", 0}, {"sent", 0}, {"failed", 0}}},
                     {"stored_credentials", {{"available", false}, {"reason", "needs whmcs_configuration"}}},
                     {"servers", json::array()}};
  const std::string d = formatStatus(down);
  CHECK(d.find("database: unreachable: Cannot connect to the WHMCS database at 127.0.0.1:3306\n") != std::string::npos);
  CHECK(d.find("command-line sync and accounts: unavailable: needs whmcs_configuration\n") != std::string::npos);
}

TEST_CASE("cli: sync lines and the progress bar", "[cli]") {
  const json report = {{"server_id", 4}, {"users_read", 1000}, {"duration_ms", 812},
                       {"missing", json::array()}, {"errors", json::array()}};
  CHECK(formatSyncResult(3, 20, "NAS 4", report) == "[3/20] NAS 4 ... 1000 users in 0.8 s\n");

  const json partial = {{"users_read", 1}, {"duration_ms", 50}, {"missing", {"gone"}},
                        {"errors", {{{"username", "bob"}, {"message", "SYNO.Core.Quota get failed"}}}}};
  CHECK(formatSyncResult(1, 1, "NAS", partial) ==
        "[1/1] NAS ... 1 user in 50 ms, 1 missing on the NAS, 1 error\n"
        "    missing: gone\n"
        "    error: bob: SYNO.Core.Quota get failed\n");

  CHECK(formatSyncFailure(2, 3, "NAS 2", "Cannot reach the NAS (dsm_unreachable)") ==
        "[2/3] NAS 2 ... failed: Cannot reach the NAS (dsm_unreachable)\n");
  CHECK(progressLine(0, 4, "NAS 1", 8) == "[>       ] 0/4  NAS 1 ...");
  CHECK(progressLine(2, 4, "NAS 3", 8) == "[====>   ] 2/4  NAS 3 ...");
  CHECK(progressLine(4, 4, "done", 8) == "[========] 4/4  done ...");
}

TEST_CASE("cli: accounts and notifications output", "[cli]") {
  const json reconcile = {
      {"server_id", 3},
      {"server_name", "NAS 3"},
      {"dsm_users", 3},
      {"services", 2},
      {"matched", 1},
      {"dsm_users_without_service",
       {{{"username", "bob"}, {"service_id", 0}, {"status", "Active"}, {"reason", "not made by puqSynology"}},
        {{"username", "old"}, {"service_id", 7}, {"status", "Suspended"}, {"reason", "made for service #7, which is Terminated"}}}},
      {"services_without_dsm_user",
       {{{"service_id", 9}, {"username", "carol"}, {"status", "Active"}, {"client_id", 2}, {"product", "10 GB"}}}}};
  CHECK(formatReconcile(reconcile) ==
        "Server 3 (NAS 3): 3 DSM users, 2 services with a username, 1 matched\n"
        "\n"
        "DSM users with no service (2):\n"
        "  USERNAME  MARKER  STATE      WHY\n"
        "  bob       -       Active     not made by puqSynology\n"
        "  old       #7      Suspended  made for service #7, which is Terminated\n"
        "\n"
        "Services with no DSM user (1):\n"
        "  SERVICE  USERNAME  STATUS  CLIENT  PRODUCT\n"
        "        9  carol     Active       2  10 GB\n");

  const json list = {{"counts", {{"pending", 1}, {"sent", 1}, {"failed", 0}}},
                     {"notifications",
                      {{{"id", 2}, {"service_id", 5}, {"server_id", 1}, {"username", "alice"}, {"status", "pending"},
                        {"attempts", 1}, {"created_at", "2025-03-15 12:00:00"}, {"next_attempt_at", "2025-03-15 12:05:00"},
                        {"sent_at", nullptr}, {"last_error", "SMTP down"}},
                       {{"id", 1}, {"service_id", 4}, {"server_id", 1}, {"username", "bob"}, {"status", "sent"},
                        {"attempts", 0}, {"created_at", "2025-03-14 12:00:00"}, {"next_attempt_at", "2025-03-14 12:00:00"},
                        {"sent_at", "2025-03-14 12:01:00"}, {"last_error", nullptr}}}}};
  CHECK(formatNotifications(list) ==
        "outbox: 1 pending, 1 sent, 0 failed\n"
        "\n"
        "ID  SERVICE  SERVER  USERNAME  STATUS   ATTEMPTS  CREATED (UTC)        SENT / NEXT TRY (UTC)  LAST ERROR\n"
        " 2        5       1  alice     pending         1  2025-03-15 12:00:00  2025-03-15 12:05:00    SMTP down\n"
        " 1        4       1  bob       sent            0  2025-03-14 12:00:00  2025-03-14 12:01:00\n");
  CHECK(formatNotifications({{"counts", json::object()}, {"notifications", json::array()}}) ==
        "outbox: 0 pending, 0 sent, 0 failed\n\nNo notifications to show.\n");
}
