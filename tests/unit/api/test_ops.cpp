// The operations features in-process over real HTTP (docs/operations.md): GET /metrics (counters move,
// the text parses, authentication by signature or bearer token), GET /v1/status, the stored-credentials
// sync and reconcile (tblservers.password encrypted as WHMCS does, $cc_encryption_hash from a temporary
// configuration.php), the outbox list, and the command line run against the daemon.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <sstream>
#include <thread>

#include "common/temp_dir.hpp"
#include "puq/api/daemon_parts.hpp"
#include "puq/api/server.hpp"
#include "puq/cli/cli.hpp"
#include "puq/common/auth.hpp"
#include "puq/common/log.hpp"
#include "puq/common/metrics.hpp"
#include "puq/dsm/http_client.hpp"
#include "puq/usage/email_templates.hpp"
#include "puq/usage/notifications.hpp"
#include "puq/usage/usage_sync.hpp"
#include "puq/version.hpp"
#include "puq/whmcs/mariadb_store.hpp"
#include "puq/whmcs/password_crypt.hpp"
#include "support/metric_text.hpp"
#include "support/sim_nas.hpp"
#include "support/temp_database.hpp"

using namespace puq;
using nlohmann::json;
using puq::testing::parseMetricText;

namespace {

const std::string kSecret = "ops-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
const std::string kToken = "Prom3theus-Scrape-Token-0123";
const std::string kCcHash = "Zq8pLm3N7vR2tY6wXc9bHs4dFg1kJe5aQu0iOy8rTz3nWm7pLx2cVb6hGf9sDk4j";

int closedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

struct OpsOptions {
  std::string metrics_token = kToken;
  bool whmcs_configuration = true;
  std::string cc_hash = kCcHash;
};

struct OpsDaemon {
  puq::testing::TempWhmcsDatabase db;
  puq::testing::SimNas nas;
  puq::test::TempDir dir;
  Config config;
  std::unique_ptr<api::DaemonParts> parts;  // the wiring of src/daemon/main.cpp, once config is set
  std::unique_ptr<api::ApiServer> server;
  std::thread thread;
  int port = 0;
  puq::testing::SeededService ids;
  std::string php_path;

  explicit OpsDaemon(const OpsOptions& o = {}) {
    config.database = db.settings();
    config.daemon.listen_address = "127.0.0.1";
    config.daemon.listen_port = 0;
    config.daemon.worker_threads = 4;
    config.daemon.metrics_token = o.metrics_token;
    config.dsm.timeout_ms = 10000;
    config.dsm.connect_timeout_ms = 2000;
    php_path = writeConfigurationPhp();
    if (o.whmcs_configuration) {
      config.whmcs_configuration = php_path;
      config.whmcs_cc_encryption_hash = o.cc_hash;  // what loadConfig reads from that file
    }
    parts = std::make_unique<api::DaemonParts>(config);
    parts->store.migrate();

    puq::testing::ServiceSeed seed;
    seed.configoptions = {"10", "GB", "10G", "90", "", "30", "", "button", "", "12"};
    seed.username = "alice";
    ids = db.seedService(seed);
    // The server as WHMCS stores it: the simulator's address, the DSM password encrypted.
    storeServer(ids.server_id, nas.sim().httpPort(), nas.endpoint().password);
    nas.control("/users", {{"users", {{{"name", "alice"}, {"used_mb", 9500}}}}});

    server = std::make_unique<api::ApiServer>(config, kSecret, parts->routes());
    port = server->bind();
    thread = std::thread([this] { server->serve(); });
  }
  ~OpsDaemon() { stop(); }
  void stop() {
    if (!server) return;
    server->stop();
    thread.join();
    server.reset();
    parts->pool.logoutAll();
  }

  void storeServer(int64_t server_id, int dsm_port, const std::string& password) {
    const std::string cipher = whmcs::encryptWhmcsPassword(password, "ops-test-iv-20-bytes", kCcHash);
    db.exec("UPDATE tblservers SET hostname = '127.0.0.1', ipaddress = '', secure = '', port = " +
            std::to_string(dsm_port) + ", username = " + db.quote(nas.endpoint().username) +
            ", password = " + db.quote(cipher) + ", accesshash = '' WHERE id = " + std::to_string(server_id));
  }

  std::string writeConfigurationPhp() {
    const auto s = db.settings();
    return dir.write("configuration.php",
                     "<?php\n$db_host = '" + s.host + "';\n$db_port = '" + std::to_string(s.port) +
                         "';\n$db_username = '" + s.user + "';\n$db_password = '" + s.password + "';\n$db_name = '" +
                         s.database + "';\n$cc_encryption_hash = '" + kCcHash + "';\n",
                     0600);
  }

  // The config file and secret file an admin's command line reads.
  std::string writeCliConfig(const std::string& secret = kSecret) {
    const std::string secret_file = dir.write("secret", secret + "\n", 0600);
    return dir.write("puq-synologyd.conf",
                     "[daemon]\nlisten_port = " + std::to_string(port) + "\nsecret_file = " + secret_file +
                         "\n[database]\nwhmcs_configuration = " + php_path + "\n",
                     0600);
  }

  httplib::Result call(const std::string& method, const std::string& path, const std::string& body = "",
                       httplib::Headers extra = {}, bool sign = true) {
    httplib::Headers headers = std::move(extra);
    if (sign) {
      const std::string ts = std::to_string(systemNow());
      const std::string nonce = randomNonce();
      headers.emplace("X-Puq-Timestamp", ts);
      headers.emplace("X-Puq-Nonce", nonce);
      headers.emplace("X-Puq-Signature", signRequest(kSecret, ts, nonce, method, path, body));
    }
    httplib::Client http("127.0.0.1", port);
    http.set_read_timeout(30, 0);
    if (method == "GET") return http.Get(path.c_str(), headers);
    return http.Post(path.c_str(), headers, body, "application/json");
  }

  json post(const std::string& path, const json& body, int expect = 200) {
    auto res = call("POST", path, body.dump());
    REQUIRE(res);
    INFO(path << " -> " << res->body);
    CHECK(res->status == expect);
    return json::parse(res->body);
  }

  puq::testing::ParsedMetrics scrape() {
    auto res = call("GET", "/metrics", "", {{"Authorization", "Bearer " + kToken}}, false);
    REQUIRE(res);
    REQUIRE(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
    auto parsed = parseMetricText(res->body);
    INFO(res->body);
    for (const auto& e : parsed.errors) FAIL_CHECK(e);
    return parsed;
  }
};

// A counter's value, 0 when the series does not exist yet.
double valueOr0(const puq::testing::ParsedMetrics& m, const std::string& name,
                const std::map<std::string, std::string>& labels) {
  const double v = m.value(name, labels);
  return std::isnan(v) ? 0 : v;
}

}  // namespace

TEST_CASE("GET /metrics: counters move with API calls and the text is valid exposition format", "[api][metrics]") {
  OpsDaemon d;
  const auto before = d.scrape();
  const std::map<std::string, std::string> health_ok = {{"route", "/v1/health"}, {"status", "200"}};
  const std::map<std::string, std::string> health_401 = {{"route", "/v1/health"}, {"status", "401"}};
  const std::map<std::string, std::string> unmatched = {{"route", "unmatched"}, {"status", "404"}};

  CHECK(d.call("GET", "/v1/health")->status == 200);
  CHECK(d.call("GET", "/v1/health")->status == 200);
  CHECK(d.call("GET", "/v1/health", "", {}, /*sign=*/false)->status == 401);
  CHECK(d.call("POST", "/v1/no-such-route", "{}")->status == 404);
  CHECK(d.call("POST", "/v1/usage/service", R"({"service_id":999999})")->status == 404);

  const auto after = d.scrape();
  CHECK(valueOr0(after, "puq_http_requests_total", health_ok) - valueOr0(before, "puq_http_requests_total", health_ok) == 2);
  CHECK(valueOr0(after, "puq_http_requests_total", health_401) - valueOr0(before, "puq_http_requests_total", health_401) == 1);
  CHECK(valueOr0(after, "puq_http_requests_total", unmatched) - valueOr0(before, "puq_http_requests_total", unmatched) == 1);
  CHECK(valueOr0(after, "puq_http_request_duration_seconds_count", {{"route", "/v1/health"}}) -
            valueOr0(before, "puq_http_request_duration_seconds_count", {{"route", "/v1/health"}}) ==
        3);
  CHECK(valueOr0(after, "puq_errors_total", {{"code", "unauthorized"}}) -
            valueOr0(before, "puq_errors_total", {{"code", "unauthorized"}}) ==
        1);
  CHECK(valueOr0(after, "puq_errors_total", {{"code", "not_found"}}) -
            valueOr0(before, "puq_errors_total", {{"code", "not_found"}}) ==
        1);
  CHECK(valueOr0(after, "puq_errors_total", {{"code", "service_not_found"}}) -
            valueOr0(before, "puq_errors_total", {{"code", "service_not_found"}}) ==
        1);
  // The earlier scrape is counted too (the metrics route is a route like any other).
  CHECK(valueOr0(after, "puq_http_requests_total", {{"route", "/metrics"}, {"status", "200"}}) >= 1);
  CHECK(after.value("puq_build_info", {{"version", puq::kVersion}}) == 1);
  CHECK(after.value("puq_uptime_seconds", {}) >= 0);
  CHECK(after.value("puq_database_up", {}) == 1);
  CHECK(after.value("puq_outbox_pending", {}) == 0);
  CHECK(after.types.at("puq_dsm_request_duration_seconds") == "histogram");

  SECTION("DSM requests, logins and DSM errors") {
    const auto e = d.nas.endpoint(d.ids.server_id);
    json server = {{"id", d.ids.server_id}, {"host", e.host},         {"port", e.port},
                   {"secure", false},       {"username", e.username}, {"password", e.password}};
    d.post("/v1/server/test", {{"server", server}});
    server["password"] = "Wrong-Passw0rd-123";
    d.post("/v1/server/test", {{"server", server}}, 502);
    const auto dsm = d.scrape();
    CHECK(valueOr0(dsm, "puq_dsm_logins_total", {{"result", "ok"}}) -
              valueOr0(after, "puq_dsm_logins_total", {{"result", "ok"}}) ==
          1);
    CHECK(valueOr0(dsm, "puq_dsm_logins_total", {{"result", "failed"}}) -
              valueOr0(after, "puq_dsm_logins_total", {{"result", "failed"}}) ==
          1);
    CHECK(valueOr0(dsm, "puq_dsm_errors_total", {{"code", "dsm_auth"}}) -
              valueOr0(after, "puq_dsm_errors_total", {{"code", "dsm_auth"}}) ==
          1);
    CHECK(valueOr0(dsm, "puq_dsm_request_duration_seconds_count", {{"api", "SYNO.API.Auth"}}) -
              valueOr0(after, "puq_dsm_request_duration_seconds_count", {{"api", "SYNO.API.Auth"}}) >=
          2);  // two logins, and the logout of the first session when the password changed
    CHECK(valueOr0(dsm, "puq_dsm_request_duration_seconds_count", {{"api", "SYNO.API.Info"}}) >= 1);
  }
}

TEST_CASE("GET /metrics: refused without a signature or the right bearer token", "[api][metrics][auth]") {
  OpsDaemon d;
  auto unsigned_scrape = d.call("GET", "/metrics", "", {}, false);
  REQUIRE(unsigned_scrape);
  CHECK(unsigned_scrape->status == 401);
  CHECK(json::parse(unsigned_scrape->body)["error"]["code"] == "unauthorized");

  auto wrong = d.call("GET", "/metrics", "", {{"Authorization", "Bearer not-the-token-0123456789"}}, false);
  CHECK(wrong->status == 401);
  CHECK(json::parse(wrong->body)["error"]["message"].get<std::string>().find("wrong bearer token") !=
        std::string::npos);

  CHECK(d.call("GET", "/metrics", "", {{"Authorization", "bearer " + kToken}}, false)->status == 200);
  CHECK(d.call("GET", "/metrics")->status == 200);  // a signed request works too

  // The token opens /metrics only.
  CHECK(d.call("GET", "/v1/health", "", {{"Authorization", "Bearer " + kToken}}, false)->status == 401);
  CHECK(d.call("GET", "/v1/status", "", {{"Authorization", "Bearer " + kToken}}, false)->status == 401);

  SECTION("without metrics_token only signed requests") {
    d.stop();
    OpsOptions o;
    o.metrics_token = "";
    OpsDaemon plain(o);
    auto bearer = plain.call("GET", "/metrics", "", {{"Authorization", "Bearer " + kToken}}, false);
    CHECK(bearer->status == 401);
    CHECK(json::parse(bearer->body)["error"]["message"].get<std::string>().find("metrics_token is not set") !=
          std::string::npos);
    auto signed_scrape = plain.call("GET", "/metrics");
    CHECK(signed_scrape->status == 200);
    CHECK(parseMetricText(signed_scrape->body).errors.empty());
  }
}

TEST_CASE("GET /v1/status and POST /v1/usage/sync-stored with the password WHMCS stored", "[api][ops]") {
  log::LogCapture capture;
  OpsDaemon d;
  auto status = d.call("GET", "/v1/status");
  REQUIRE(status->status == 200);
  json st = json::parse(status->body);
  CHECK(st["version"] == puq::kVersion);
  CHECK(st["database"] == "ok");
  CHECK(st["schema_version"].get<int>() >= 3);
  CHECK(st["uptime_seconds"].get<int64_t>() >= 0);
  CHECK(st["stored_credentials"]["available"] == true);
  REQUIRE(st["servers"].size() == 1);
  CHECK(st["servers"][0]["id"] == d.ids.server_id);
  CHECK(st["servers"][0]["name"] == "NAS 1");
  CHECK(st["servers"][0]["hostname"] == "127.0.0.1");
  CHECK(st["servers"][0]["services"] == 1);
  CHECK(st["servers"][0]["last_usage_update"].is_null());
  CHECK(st["servers"][0]["notifications_pending"] == 0);

  const auto before = d.scrape();
  const json report = d.post("/v1/usage/sync-stored", {{"server_id", d.ids.server_id}});
  CHECK(report["server_id"] == d.ids.server_id);
  CHECK(report["server_name"] == "NAS 1");
  CHECK(report["users_read"] == 1);
  CHECK(report["services_updated"] == 1);
  CHECK(d.db.scalar("SELECT diskusage FROM tblhosting WHERE id = " + std::to_string(d.ids.service_id)) == "9500");
  const auto after = d.scrape();
  CHECK(valueOr0(after, "puq_usage_users_synced_total", {}) - valueOr0(before, "puq_usage_users_synced_total", {}) == 1);
  CHECK(valueOr0(after, "puq_usage_sync_duration_seconds_count", {}) -
            valueOr0(before, "puq_usage_sync_duration_seconds_count", {}) ==
        1);

  st = json::parse(d.call("GET", "/v1/status")->body);
  CHECK(st["servers"][0]["last_usage_update"].is_string());

  // The decrypted password never reaches a log line.
  for (const auto& line : capture.lines()) CHECK(line.find(d.nas.endpoint().password) == std::string::npos);

  SECTION("errors name what to fix") {
    CHECK(d.post("/v1/usage/sync-stored", {{"server_id", 999999}}, 404)["error"]["code"] == "server_not_found");
    CHECK(d.post("/v1/usage/sync-stored", json::object(), 400)["error"]["code"] == "bad_request");
    d.db.exec("UPDATE tblservers SET type = 'cpanel' WHERE id = " + std::to_string(d.ids.server_id));
    CHECK(d.post("/v1/usage/sync-stored", {{"server_id", d.ids.server_id}}, 409)["error"]["code"] ==
          "server_not_puqsynology");
    d.db.exec("UPDATE tblservers SET type = 'puqSynology', password = 'not encrypted!' WHERE id = " +
              std::to_string(d.ids.server_id));
    CHECK(d.post("/v1/usage/sync-stored", {{"server_id", d.ids.server_id}}, 409)["error"]["code"] ==
          "server_password_unreadable");
  }
  SECTION("a wrong cc_encryption_hash decrypts to bytes that are not text: named as the key's fault") {
    d.stop();
    OpsOptions o;
    o.cc_hash = std::string(64, 'b');
    OpsDaemon other(o);
    const json refused = other.post("/v1/usage/sync-stored", {{"server_id", other.ids.server_id}}, 409);
    CHECK(refused["error"]["code"] == "server_password_unreadable");
    CHECK(refused["error"]["message"].get<std::string>().find("$cc_encryption_hash") != std::string::npos);
  }
  SECTION("without whmcs_configuration: 409 with the way out") {
    d.stop();
    OpsOptions o;
    o.whmcs_configuration = false;
    OpsDaemon other(o);
    const json refused = other.post("/v1/usage/sync-stored", {{"server_id", other.ids.server_id}}, 409);
    CHECK(refused["error"]["code"] == "stored_credentials_unavailable");
    CHECK(refused["error"]["message"] ==
          "sync from the command line needs [database] whmcs_configuration so the daemon can read the server "
          "password; or press 'Sync usage now' in WHMCS");
    CHECK(json::parse(other.call("GET", "/v1/status")->body)["stored_credentials"]["available"] == false);
  }
}

TEST_CASE("POST /v1/server/reconcile-stored: DSM users with no service and services with no DSM user", "[api][ops]") {
  OpsDaemon d;
  // A terminated service whose DSM user is still there, a foreign user, and a service without a user.
  puq::testing::ServiceSeed seed;
  seed.server_id = d.ids.server_id;
  seed.product_id = d.ids.product_id;
  seed.client_id = d.ids.client_id;
  seed.username = "olduser";
  seed.status = "Terminated";
  const int64_t terminated = d.db.seedService(seed).service_id;
  seed.username = "carol";
  seed.status = "Active";
  const int64_t carol = d.db.seedService(seed).service_id;
  d.nas.control("/users", {{"users",
                             {{{"name", "olduser"}, {"description", "WHMCS service #" + std::to_string(terminated)}},
                              {{"name", "bob"}, {"description", "someone's own account"}}}}});

  const json r = d.post("/v1/server/reconcile-stored", {{"server_id", d.ids.server_id}});
  CHECK(r["server_name"] == "NAS 1");
  CHECK(r["services"] == 2);  // alice and carol (the terminated service is not counted)
  CHECK(r["matched"] == 1);   // alice
  std::map<std::string, json> orphans;
  for (const auto& o : r["dsm_users_without_service"]) orphans[o["username"].get<std::string>()] = o;
  REQUIRE(orphans.count("bob"));
  REQUIRE(orphans.count("olduser"));
  CHECK(orphans["bob"]["service_id"] == 0);
  CHECK(orphans["bob"]["reason"].get<std::string>().find("not made by puqSynology") != std::string::npos);
  CHECK(orphans["olduser"]["service_id"] == terminated);
  CHECK(orphans["olduser"]["reason"] == "made for service #" + std::to_string(terminated) + ", which is Terminated");
  REQUIRE(r["services_without_dsm_user"].size() == 1);
  CHECK(r["services_without_dsm_user"][0]["service_id"] == carol);
  CHECK(r["services_without_dsm_user"][0]["username"] == "carol");
}

TEST_CASE("POST /v1/notifications/list and puq_outbox_pending", "[api][ops]") {
  OpsDaemon d;
  const std::string sid = std::to_string(d.ids.service_id);
  d.db.exec(
      "INSERT INTO mod_puqsynology_outbox (service_id, kind, template, customvars, status, attempts, next_attempt_at,"
      " created_at, sent_at, last_error, crossing_seq) VALUES"
      " (" + sid + ", 'disk_limit', 'T', '{}', 'sent', 0, '2025-03-14 12:00:00', '2025-03-14 12:00:00', '2025-03-14 12:01:00', NULL, 1),"
      " (" + sid + ", 'disk_limit', 'T', '{}', 'failed', 20, '2025-03-15 12:00:00', '2025-03-15 11:00:00', NULL, 'SMTP down', 2),"
      " (" + sid + ", 'disk_limit', 'T', '{}', 'pending', 1, '2025-03-16 12:05:00', '2025-03-16 12:00:00', NULL, 'timeout', 3)");

  const json all = d.post("/v1/notifications/list", json::object());
  REQUIRE(all["notifications"].size() == 3);
  CHECK(all["notifications"][0]["status"] == "pending");  // newest first
  CHECK(all["notifications"][0]["username"] == "alice");
  CHECK(all["notifications"][0]["server_id"] == d.ids.server_id);
  CHECK(all["notifications"][0]["last_error"] == "timeout");
  CHECK(all["notifications"][2]["sent_at"] == "2025-03-14 12:01:00");
  CHECK(all["counts"] == json{{"pending", 1}, {"sent", 1}, {"failed", 1}});

  const json failed = d.post("/v1/notifications/list", {{"status", "failed"}});
  REQUIRE(failed["notifications"].size() == 1);
  CHECK(failed["notifications"][0]["attempts"] == 20);
  CHECK(d.post("/v1/notifications/list", {{"limit", 1}})["notifications"].size() == 1);
  CHECK(d.post("/v1/notifications/list", {{"status", "done"}}, 400)["error"]["code"] == "bad_request");
  CHECK(d.post("/v1/notifications/list", {{"limit", 0}}, 400)["error"]["code"] == "bad_request");

  const json status = json::parse(d.call("GET", "/v1/status")->body);
  CHECK(status["notifications"] == json{{"pending", 1}, {"sent", 1}, {"failed", 1}});
  CHECK(status["servers"][0]["notifications_pending"] == 1);
  CHECK(status["servers"][0]["notifications_failed"] == 1);
  CHECK(d.scrape().value("puq_outbox_pending", {}) == 1);
}

TEST_CASE("The command line against a running daemon", "[api][cli]") {
  OpsDaemon d;
  // A second, unreachable NAS: sync --all reports it and goes on.
  puq::testing::ServiceSeed seed;
  seed.server_name = "NAS 2";
  const int64_t nas2 = d.db.addServer(seed, 0);
  d.storeServer(nas2, closedPort(), "whatever-Passw0rd");
  seed.server_id = nas2;
  seed.product_id = d.ids.product_id;
  seed.client_id = d.ids.client_id;
  seed.username = "dave";
  d.db.seedService(seed);
  const std::string config = d.writeCliConfig();
  auto run = [&](std::vector<std::string> args, std::string& out, std::string& err, bool tty = false) {
    args.insert(args.begin(), {"--config", config});
    std::ostringstream o, e;
    const int code = cli::run(args, o, e, tty);
    out = o.str();
    err = e.str();
    INFO("stdout:\n" << out << "stderr:\n" << err);
    return code;
  };
  std::string out, err;

  CHECK(run({"status"}, out, err) == 0);
  CHECK(out.find("puq-synologyd " + std::string(puq::kVersion) + ", up ") == 0);
  CHECK(out.find("database: ok") != std::string::npos);
  CHECK(out.find("command-line sync and accounts: available") != std::string::npos);
  CHECK(out.find("NAS 1") != std::string::npos);
  CHECK(out.find("NAS 2") != std::string::npos);

  CHECK(run({"sync", "--server", std::to_string(d.ids.server_id)}, out, err) == 0);
  CHECK(out.rfind("[1/1] NAS 1 ... 1 user in ", 0) == 0);
  CHECK(err.empty());

  CHECK(run({"sync", "--all"}, out, err) == 1);
  CHECK(out.find("[1/2] NAS 1 ... 1 user in ") != std::string::npos);
  CHECK(out.find("[2/2] NAS 2 ... failed: Cannot reach the NAS") != std::string::npos);
  CHECK(out.find("Synced 1 of 2 servers: 1 user in ") != std::string::npos);
  CHECK(err.find("1 of 2 servers failed") != std::string::npos);
  CHECK(out.find('\r') == std::string::npos);  // no progress bar when stdout is not a terminal

  CHECK(run({"sync", "--all"}, out, err, /*tty=*/true) == 1);
  CHECK(out.find("\r\033[K[>") != std::string::npos);  // the bar, overwritten by each result line
  CHECK(out.find("[1/2] NAS 1 ... 1 user in ") != std::string::npos);

  CHECK(run({"sync", "--server", std::to_string(nas2)}, out, err) == 1);
  CHECK(err.find("puq-synologyd sync: Cannot reach the NAS") != std::string::npos);
  CHECK(err.find("(dsm_unreachable)") != std::string::npos);

  CHECK(run({"accounts", "--server", std::to_string(d.ids.server_id)}, out, err) == 0);
  CHECK(out.find("Server " + std::to_string(d.ids.server_id) + " (NAS 1): 1 DSM user, 1 service with a username, 1 matched") !=
        std::string::npos);
  CHECK(out.find("DSM users with no service (0): none") != std::string::npos);

  CHECK(run({"notifications", "--status", "pending"}, out, err) == 0);
  CHECK(out.find("outbox: 0 pending, 0 sent, 0 failed") == 0);

  CHECK(run({"status", "--json"}, out, err) == 0);
  CHECK(json::parse(out)["servers"].size() == 2);

  SECTION("another secret: refused, and the message names the secret file") {
    const std::string other = d.writeCliConfig("another-secret-another-secret-another-secret");
    std::ostringstream o, e;
    CHECK(cli::run({"--config", other, "status"}, o, e, false) == 1);
    CHECK(e.str().find("the daemon refused the request") != std::string::npos);
    CHECK(e.str().find("secret_file") != std::string::npos);
  }
  SECTION("the daemon is not running") {
    d.stop();
    CHECK(run({"status"}, out, err) == 1);
    CHECK(err.find("cannot reach puq-synologyd at http://127.0.0.1:") != std::string::npos);
    CHECK(err.find("is the daemon running") != std::string::npos);
  }
}
