// The daemon's HTTP API in-process over real HTTP: request authentication (every refusal case), the
// one error shape, and a create/terminate through the routes with a real MariaDB and the simulator.
// Also: no secret reaches a log line or the dsm_calls of an answer.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "puq/api/daemon_parts.hpp"
#include "puq/api/server.hpp"
#include "puq/common/auth.hpp"
#include "puq/common/log.hpp"
#include "puq/dsm/http_client.hpp"
#include "puq/usage/email_templates.hpp"
#include "puq/usage/notifications.hpp"
#include "puq/usage/usage_sync.hpp"
#include "puq/whmcs/mariadb_store.hpp"
#include "support/sim_nas.hpp"
#include "support/temp_database.hpp"

using namespace puq;
using nlohmann::json;

namespace {

const std::string kSecret = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

struct Daemon {
  puq::testing::TempWhmcsDatabase db;
  puq::testing::SimNas nas;
  Config config;
  api::DaemonParts parts;  // the wiring of src/daemon/main.cpp
  whmcs::MariaDbStore& store = parts.store;
  dsm::ClientPool& pool = parts.pool;
  std::unique_ptr<api::ApiServer> server;
  std::thread thread;
  int port = 0;
  puq::testing::SeededService ids;

  explicit Daemon(size_t max_body = 1 << 20) : config(makeConfig(max_body, db.settings())), parts(config) {
    store.migrate();
    puq::testing::ServiceSeed seed;
    seed.configoptions = {"10", "GB", "10G", "90", "", "30", "", "button", "", "12"};
    ids = db.seedService(seed);
    server = std::make_unique<api::ApiServer>(config, kSecret, parts.routes());
    port = server->bind();
    thread = std::thread([this] { server->serve(); });
  }
  ~Daemon() {
    server->stop();
    thread.join();
    pool.logoutAll();
  }
  static Config makeConfig(size_t max_body, const whmcs::DbSettings& database) {
    Config c;
    c.database = database;
    c.daemon.listen_address = "127.0.0.1";
    c.daemon.listen_port = 0;
    c.daemon.worker_threads = 4;
    c.daemon.max_body_bytes = max_body;
    c.dsm.timeout_ms = 10000;
    return c;
  }

  json serverObject() const {
    auto e = nas.endpoint(ids.server_id);
    return {{"id", ids.server_id}, {"host", e.host},         {"port", e.port},
            {"secure", false},     {"username", e.username}, {"password", e.password}};
  }

  // Sends a request signed as the PHP module does; `tamper` lets a test break one part.
  httplib::Result call(const std::string& method, const std::string& path, const std::string& body,
                       const std::function<void(httplib::Headers&)>& tamper = nullptr) {
    const std::string ts = std::to_string(systemNow());
    const std::string nonce = randomNonce();
    httplib::Headers headers{{"X-Puq-Timestamp", ts},
                             {"X-Puq-Nonce", nonce},
                             {"X-Puq-Signature", signRequest(kSecret, ts, nonce, method, path, body)}};
    if (tamper) tamper(headers);
    httplib::Client http("127.0.0.1", port);
    if (method == "GET") return http.Get(path.c_str(), headers);
    return http.Post(path.c_str(), headers, body, "application/json");
  }
};

// A loopback port nothing listens on: bound (not listening) to learn a free number, then closed.
int closedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

void setHeader(httplib::Headers& h, const std::string& name, const std::string& value) {
  h.erase(name);
  if (!value.empty()) h.emplace(name, value);
}

}  // namespace

TEST_CASE("Every request must be signed; each refusal is a 401 in the one error shape", "[api][auth]") {
  Daemon d;
  auto ok = d.call("GET", "/v1/health", "");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(json::parse(ok->body)["status"] == "ok");
  CHECK(ok->get_header_value("X-Content-Type-Options") == "nosniff");

  auto refused = [&](const std::function<void(httplib::Headers&)>& tamper, const std::string& path = "/v1/health",
                     const std::string& method = "GET") {
    auto res = d.call(method, path, method == "GET" ? "" : "{}", tamper);
    REQUIRE(res);
    CHECK(res->status == 401);
    auto body = json::parse(res->body);
    CHECK(body["error"]["code"] == "unauthorized");
    CHECK(body["error"]["message"].get<std::string>().find(kSecret) == std::string::npos);
  };
  SECTION("missing signature") { refused([](auto& h) { setHeader(h, "X-Puq-Signature", ""); }); }
  SECTION("missing timestamp") { refused([](auto& h) { setHeader(h, "X-Puq-Timestamp", ""); }); }
  SECTION("wrong secret") {
    refused([](auto& h) {
      const auto ts = h.find("X-Puq-Timestamp")->second, nonce = h.find("X-Puq-Nonce")->second;
      setHeader(h, "X-Puq-Signature", signRequest("another-secret-another-secret-xx", ts, nonce, "GET", "/v1/health", ""));
    });
  }
  SECTION("stale timestamp") {
    refused([](auto& h) {
      const auto ts = std::to_string(systemNow() - 301), nonce = h.find("X-Puq-Nonce")->second;
      setHeader(h, "X-Puq-Timestamp", ts);
      setHeader(h, "X-Puq-Signature", signRequest(kSecret, ts, nonce, "GET", "/v1/health", ""));
    });
  }
  SECTION("tampered body") {
    const std::string signed_body = R"({"server":{}})";
    const std::string ts = std::to_string(systemNow()), nonce = randomNonce();
    httplib::Headers h{{"X-Puq-Timestamp", ts},
                       {"X-Puq-Nonce", nonce},
                       {"X-Puq-Signature", signRequest(kSecret, ts, nonce, "POST", "/v1/server/groups", signed_body)}};
    httplib::Client http("127.0.0.1", d.port);
    auto res = http.Post("/v1/server/groups", h, R"({"server":{"x":1}})", "application/json");
    REQUIRE(res);
    CHECK(res->status == 401);
  }
  SECTION("signature of another path") {
    refused([](auto& h) {
      const auto ts = h.find("X-Puq-Timestamp")->second, nonce = h.find("X-Puq-Nonce")->second;
      setHeader(h, "X-Puq-Signature", signRequest(kSecret, ts, nonce, "GET", "/v1/other", ""));
    });
  }
  SECTION("replayed request") {
    const std::string ts = std::to_string(systemNow()), nonce = randomNonce();
    httplib::Headers h{{"X-Puq-Timestamp", ts},
                       {"X-Puq-Nonce", nonce},
                       {"X-Puq-Signature", signRequest(kSecret, ts, nonce, "GET", "/v1/health", "")}};
    httplib::Client http("127.0.0.1", d.port);
    auto first = http.Get("/v1/health", h);
    auto second = http.Get("/v1/health", h);
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->status == 200);
    CHECK(second->status == 401);
    CHECK(json::parse(second->body)["error"]["message"].get<std::string>().find("replayed") != std::string::npos);
  }
}

TEST_CASE("Malformed requests get a 4xx naming what is wrong", "[api][input]") {
  Daemon d(4096);
  auto code = [](const httplib::Result& r) { return json::parse(r->body)["error"]["code"].get<std::string>(); };
  auto msg = [](const httplib::Result& r) { return json::parse(r->body)["error"]["message"].get<std::string>(); };

  auto not_json = d.call("POST", "/v1/account/create", "{nope");
  CHECK(not_json->status == 400);
  CHECK(msg(not_json).find("not valid JSON") != std::string::npos);

  auto no_server = d.call("POST", "/v1/account/create", R"({"service_id":1})");
  CHECK(no_server->status == 400);
  CHECK(msg(no_server).find("server") != std::string::npos);

  json body = {{"server", d.serverObject()}, {"service_id", "seven"}};
  auto bad_id = d.call("POST", "/v1/account/create", body.dump());
  CHECK(bad_id->status == 400);
  CHECK(msg(bad_id).find("service_id") != std::string::npos);

  body = {{"server", d.serverObject()}};
  body["server"]["port"] = 70000;
  body["service_id"] = 1;
  auto bad_port = d.call("POST", "/v1/account/create", body.dump());
  CHECK(bad_port->status == 400);
  CHECK(msg(bad_port).find("server.port") != std::string::npos);

  auto unknown = d.call("POST", "/v1/nope", "{}");
  CHECK(unknown->status == 404);
  CHECK(code(unknown) == "not_found");

  auto huge = d.call("POST", "/v1/account/create", std::string(8192, ' '));
  REQUIRE(huge);
  CHECK(huge->status == 413);
}

TEST_CASE("Create and terminate through the API; secrets stay out of logs and dsm_calls", "[api][life]") {
  log::LogCapture capture;
  Daemon d;
  const json server = d.serverObject();
  log::registerSecret(kSecret);

  auto groups = d.call("POST", "/v1/server/groups", json{{"server", server}}.dump());
  REQUIRE(groups->status == 200);
  std::vector<std::string> names;
  const json groups_answer = json::parse(groups->body);
  for (const auto& g : groups_answer["groups"]) names.push_back(g["name"].get<std::string>());
  CHECK(std::find(names.begin(), names.end(), "10G") != names.end());

  auto test = d.call("POST", "/v1/server/test", json{{"server", server}}.dump());
  REQUIRE(test->status == 200);
  CHECK(json::parse(test->body)["administrator"] == true);

  auto created = d.call("POST", "/v1/account/create", json{{"server", server}, {"service_id", d.ids.service_id}}.dump());
  REQUIRE(created->status == 200);
  const auto answer = json::parse(created->body);
  const std::string username = answer["username"], password = answer["password"];
  CHECK(d.nas.user(username).is_object());
  CHECK_FALSE(answer["dsm_calls"].empty());

  auto info = d.call("POST", "/v1/account/info", json{{"server", server}, {"service_id", d.ids.service_id}}.dump());
  REQUIRE(info->status == 200);
  CHECK(json::parse(info->body)["exists"] == true);

  auto gone = d.call("POST", "/v1/account/terminate", json{{"server", server}, {"service_id", d.ids.service_id}}.dump());
  REQUIRE(gone->status == 200);
  CHECK(json::parse(gone->body)["deleted"] == true);
  CHECK(d.nas.user(username).is_null());

  auto wrong = server;
  wrong["password"] = "Wrong-Passw0rd-123";
  auto refused = d.call("POST", "/v1/server/test", json{{"server", wrong}}.dump());
  CHECK(refused->status == 502);
  CHECK(json::parse(refused->body)["error"]["code"] == "dsm_auth");

  const std::string dsm_calls = answer["dsm_calls"].dump();
  for (const std::string& secret : {password, server["password"].get<std::string>(), kSecret}) {
    INFO("secret " << secret);
    CHECK(dsm_calls.find(secret) == std::string::npos);
    for (const auto& line : capture.lines()) CHECK(line.find(secret) == std::string::npos);
  }
  CHECK_FALSE(capture.lines().empty());
}

TEST_CASE("Usage sync, the usage view and the notification routes answer in the documented shape", "[api][usage]") {
  Daemon d;
  d.nas.control("/users", {{"users", {{{"name", "alice"}, {"used_mb", 9500}}}}});
  d.db.exec("UPDATE tblhosting SET username = 'alice' WHERE id = " + std::to_string(d.ids.service_id));
  const json server = d.serverObject();

  auto synced = d.call("POST", "/v1/usage/sync", json{{"server", server}}.dump());
  REQUIRE(synced->status == 200);
  const json report = json::parse(synced->body);
  CHECK(report["server_id"] == d.ids.server_id);
  CHECK(report["services_updated"] == 1);
  CHECK(report["users_read"] == 1);
  CHECK(report["missing"] == json::array());
  CHECK(report["errors"] == json::array());
  CHECK(report["dsm_requests"] == 1);
  CHECK(report["duration_ms"].is_number_integer());
  CHECK_FALSE(report["dsm_calls"].empty());

  auto one = d.call("POST", "/v1/usage/sync-service", json{{"server", server}, {"service_id", d.ids.service_id}}.dump());
  REQUIRE(one->status == 200);
  CHECK(json::parse(one->body)["services_updated"] == 1);

  auto view = d.call("POST", "/v1/usage/service", json{{"service_id", d.ids.service_id}}.dump());
  REQUIRE(view->status == 200);
  const json v = json::parse(view->body);
  CHECK(v["service_id"] == d.ids.service_id);
  CHECK(v["username"] == "alice");
  CHECK(v["unlimited"] == false);
  CHECK(v["disk_limit_mb"] == 10240);
  CHECK(v["unit"] == "GB");
  CHECK(v["unit_coefficient"] == 1024);
  CHECK(v["disk_limit_unit"] == 10);
  CHECK(v["disk_used_mb"] == 9500);
  CHECK(v["disk_used_unit"] == 9.28);
  CHECK(v["disk_free_mb"] == 740);
  CHECK(v["disk_free_unit"] == 0.72);
  CHECK(v["used_percent"] == 92.8);
  CHECK(v["free_percent"] == 7.2);
  CHECK(v["lastupdate"].is_string());
  CHECK(v["notify_percent"] == 90);
  CHECK(v["show_password"] == "button");
  CHECK(v["instruction_link"] == "");
  REQUIRE(v["daily"].size() == 1);
  CHECK(v["daily"][0]["used_mb"] == 9500);
  CHECK(v["daily"][0]["date"].get<std::string>().size() == 10);
  REQUIRE(v["monthly"].size() == 1);
  CHECK(v["monthly"][0]["avg_used_mb"] == 9500);
  CHECK(d.call("POST", "/v1/usage/service", json{{"service_id", d.ids.service_id}, {"days", 0}}.dump())->status == 400);
  CHECK(d.call("POST", "/v1/usage/service", json{{"service_id", 999999}}.dump())->status == 404);

  // The product has no email template: the crossing is tracked, nothing is queued.
  auto pending = d.call("POST", "/v1/notifications/pending", "{}");
  REQUIRE(pending->status == 200);
  CHECK(json::parse(pending->body)["notifications"] == json::array());
  auto unknown = d.call("POST", "/v1/notifications/ack", json{{"id", 12345}, {"result", "sent"}}.dump());
  CHECK(unknown->status == 404);

  auto installed = d.call("POST", "/v1/email-templates/install", "{}");
  REQUIRE(installed->status == 200);
  CHECK(json::parse(installed->body) == json{{"name", "puqSynology Notification disk limit"}, {"created", true},
                                             {"dsm_calls", json::array()}});
  auto templates = d.call("POST", "/v1/email-templates", "{}");
  REQUIRE(templates->status == 200);
  CHECK(json::parse(templates->body)["templates"] == json::array({{{"name", "puqSynology Notification disk limit"}}}));
}

TEST_CASE("TestConnection says which failure it is", "[api][test-connection]") {
  Daemon d;
  puq::testing::SimNas tls_nas(/*with_https=*/true);
  tls_nas.control("/users", {{"users", {{{"name", "helpdesk"}, {"password", "Helpdesk-Passw0rd"}, {"admin", false}}}}});
  tls_nas.control("/users", {{"users", {{{"name", "otpadmin"}, {"password", "Otp-Adm1n-Passw0rd"}, {"admin", true},
                                          {"otp_code", "123456"}}}}});
  auto test = [&](json server) {
    auto res = d.call("POST", "/v1/server/test", json{{"server", server}}.dump());
    REQUIRE(res);
    return std::make_pair(res->status, json::parse(res->body));
  };
  json https = {{"host", "127.0.0.1"}, {"port", tls_nas.sim().httpsPort()}, {"secure", true},
                {"username", "puqadmin"}, {"password", "Adm1n-Passw0rd"}};

  SECTION("TLS certificate not trusted, and how to opt out") {
    auto [status, body] = test(https);
    CHECK(status == 502);
    CHECK(body["error"]["code"] == "dsm_tls");
    CHECK_THAT(body["error"]["message"].get<std::string>(), Catch::Contains("verify_tls=0"));
  }
  SECTION("the opt-out works for that server") {
    https["verify_tls"] = false;
    auto [status, body] = test(https);
    CHECK(status == 200);
    CHECK(body["model"] == "DS918+");
  }
  SECTION("not an administrator") {
    https["verify_tls"] = false;
    https["username"] = "helpdesk";
    https["password"] = "Helpdesk-Passw0rd";
    auto [status, body] = test(https);
    CHECK(status == 502);
    CHECK(body["error"]["code"] == "dsm_not_admin");
    CHECK_THAT(body["error"]["message"].get<std::string>(), Catch::Contains("administrators"));
  }
  SECTION("2-step verification required") {
    https["verify_tls"] = false;
    https["username"] = "otpadmin";
    https["password"] = "Otp-Adm1n-Passw0rd";
    auto [status, body] = test(https);
    CHECK(body["error"]["code"] == "dsm_otp");
  }
  SECTION("wrong credentials") {
    https["verify_tls"] = false;
    https["password"] = "Not-The-Passw0rd";
    auto [status, body] = test(https);
    CHECK(body["error"]["code"] == "dsm_auth");
  }
  SECTION("plain HTTP to the HTTPS port: wrong port or protocol") {
    https["secure"] = false;
    auto [status, body] = test(https);
    CHECK(body["error"]["code"] == "dsm_protocol");
  }
  SECTION("host unreachable") {
    https["port"] = closedPort();
    auto [status, body] = test(https);
    CHECK(body["error"]["code"] == "dsm_unreachable");
    CHECK_THAT(body["error"]["message"].get<std::string>(), Catch::Contains("127.0.0.1"));
  }
}
