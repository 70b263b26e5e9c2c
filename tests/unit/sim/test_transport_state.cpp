// HTTPS with the generated certificate, plain HTTP, the control endpoint and the state file.
#include <filesystem>

#include "sim/sim_harness.hpp"

using namespace puq::test;
namespace fs = std::filesystem;

namespace {

// A fresh directory under the system temp dir, removed at scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "dsm-sim-test-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

const char* kInfoAll = "/webapi/query.cgi?api=SYNO.API.Info&version=1&method=query&query=all";

}  // namespace

TEST_CASE("HTTPS verifies against certificatePath() for localhost and 127.0.0.1; HTTP works", "[sim][tls]") {
  SimHarness h;
  for (const char* host : {"localhost", "127.0.0.1"}) {
    httplib::SSLClient tls(host, h.sim().httpsPort());
    tls.set_ca_cert_path(h.sim().certificatePath().c_str());
    tls.enable_server_certificate_verification(true);
    auto res = tls.Get(kInfoAll);
    INFO(host);
    REQUIRE(res);
    REQUIRE(res->status == 200);
    REQUIRE(json::parse(res->body)["success"] == true);
  }
  SECTION("a client trusting nothing else refuses the self-signed certificate") {
    httplib::SSLClient tls("localhost", h.sim().httpsPort());
    tls.set_ca_cert_path("/nonexistent.pem");
    tls.enable_server_certificate_verification(true);
    REQUIRE_FALSE(tls.Get(kInfoAll));
  }
  SECTION("login over HTTPS, the sid also works over HTTP") {
    httplib::SSLClient tls("localhost", h.sim().httpsPort());
    tls.set_ca_cert_path(h.sim().certificatePath().c_str());
    tls.enable_server_certificate_verification(true);
    httplib::Params p = {{"api", "SYNO.API.Auth"}, {"version", "7"}, {"method", "login"},
                         {"account", h.options().admin_user}, {"passwd", h.options().admin_password}, {"format", "sid"}};
    auto res = tls.Post("/webapi/entry.cgi", p);
    REQUIRE(res);
    std::string sid = json::parse(res->body)["data"]["sid"];
    REQUIRE(h.call("SYNO.Core.User", "list", 1, {{"type", "local"}}, sid).ok());
  }
  SECTION("the control endpoint is on HTTP only") {
    httplib::SSLClient tls("localhost", h.sim().httpsPort());
    tls.enable_server_certificate_verification(false);
    auto res = tls.Get("/control/state");
    REQUIRE(res);
    REQUIRE(res->status == 404);
  }
}

TEST_CASE("a tls_dir keeps the certificate across restarts", "[sim][tls]") {
  TempDir dir;
  auto o = testOptions();
  o.tls_dir = dir.path.string();
  std::string first_pem;
  {
    SimHarness h(o);
    REQUIRE(h.sim().certificatePath() == (dir.path / "cert.pem").string());
    std::ifstream in(h.sim().certificatePath());
    first_pem.assign(std::istreambuf_iterator<char>(in), {});
    REQUIRE(first_pem.find("BEGIN CERTIFICATE") != std::string::npos);
    REQUIRE((fs::status(dir.path / "key.pem").permissions() & fs::perms::others_read) == fs::perms::none);
  }
  SimHarness again(o);
  std::ifstream in(again.sim().certificatePath());
  REQUIRE(std::string(std::istreambuf_iterator<char>(in), {}) == first_pem);
}

TEST_CASE("listeners can be switched off", "[sim][tls]") {
  auto o = testOptions();
  o.https_port = -1;
  SimHarness h(o);
  REQUIRE(h.sim().httpsPort() == -1);
  REQUIRE(h.get("/webapi/query.cgi", {{"api", "SYNO.API.Info"}, {"version", "1"}, {"method", "query"}}).ok());
}

TEST_CASE("the state file survives a restart", "[sim][state]") {
  TempDir dir;
  auto o = testOptions();
  o.state_file = (dir.path / "state.json").string();
  {
    SimHarness h(o);
    REQUIRE(fs::exists(o.state_file));  // written at start
    auto sid = h.adminSid();
    REQUIRE(h.call("SYNO.Core.User", "create", 1, {{"name", "keeper"}, {"password", "Sim-Passw0rd1"}}, sid).ok());
    REQUIRE(h.call("SYNO.Core.Group", "create", 1, {{"name", "team"}}, sid).ok());
    REQUIRE(h.call("SYNO.Core.Group.Member", "add", 1, {{"group", "team"}, {"name", {"keeper"}}}, sid).ok());
    REQUIRE(h.call("SYNO.Core.User", "create", 1, {{"name", "temp"}, {"password", "Sim-Passw0rd1"}}, sid).ok());
    REQUIRE(h.call("SYNO.Core.User", "delete", 1, {{"name", {"temp"}}}, sid).ok());
    h.control("usage", {{"users", {{{"name", "keeper"}, {"used_mb", 77}}}}});
    REQUIRE_FALSE(fs::exists(o.state_file + ".tmp"));
  }
  SimHarness h(o);
  auto sid = h.adminSid();
  REQUIRE(h.login("keeper", "Sim-Passw0rd1").ok());
  auto groups = h.call("SYNO.Core.User.Group", "get", 1, {{"name", "keeper"}}, sid);
  REQUIRE(groups.body["data"]["groups"] == json({"team", "users"}));
  auto quota = h.call("SYNO.Core.Quota", "get", 1, {{"name", "keeper"}}, sid);
  REQUIRE(quota.body["data"]["user_quota"][0]["shares"][0]["used"] == 77);
  // uid counters persist too: temp had 1028, so the next user gets 1029.
  REQUIRE(h.call("SYNO.Core.User", "create", 1, {{"name", "next"}, {"password", "Sim-Passw0rd1"}}, sid).body["data"]["uid"] == 1029);
  REQUIRE(h.call("SYNO.Core.Group", "create", 1, {{"name", "team2"}}, sid).body["data"]["gid"] == 65537);
}

TEST_CASE("a broken state file stops start() with a message", "[sim][state]") {
  TempDir dir;
  auto o = testOptions();
  o.state_file = (dir.path / "state.json").string();
  std::ofstream(o.state_file) << "{not json";
  puq::sim::Simulator sim(o);
  REQUIRE_THROWS_WITH(sim.start(), Catch::Contains("not JSON"));
}

TEST_CASE("control: seed users and groups, read the state, reset", "[sim][control]") {
  SimHarness h;
  auto seeded = h.control("users", {{"users", {{{"name", "ann"}, {"password", "Ann-Pw1"}, {"groups", {"sales"}},
                                                {"email", "ann@example.com"}, {"used_mb", 5}, {"quota_mb", 100},
                                                {"expired", "2030/01/02"}, {"admin", true}}}}});
  REQUIRE(seeded["users"][0]["uid"] == 1027);
  h.control("groups", {{"groups", {{{"name", "sales"}, {"description", "Sales team"}, {"quota_mb", 2048}}}}});
  auto st = h.state();
  json ann;
  for (const auto& u : st["users"])
    if (u["name"] == "ann") ann = u;
  REQUIRE(ann["groups"] == json({"administrators", "sales", "users"}));
  REQUIRE(ann["admin"] == true);
  REQUIRE(ann["expired"] == "2030/1/2");
  REQUIRE(ann["used_mb"] == 5);
  REQUIRE(ann["quota_mb"] == 100);
  json sales;
  for (const auto& g : st["groups"])
    if (g["name"] == "sales") sales = g;
  REQUIRE(sales["members"] == json({"ann"}));
  REQUIRE(sales["description"] == "Sales team");
  REQUIRE(sales["quota_mb"] == 2048);
  REQUIRE(sales["gid"] == 65536);

  auto c = h.client();
  auto bad = c.Post("/control/users", R"({"users":[{"name":"ok1"},{"name":"bad/name"}]})", "application/json");
  REQUIRE(bad->status == 400);
  REQUIRE(h.state()["users"].size() == 4);  // nothing of the bad batch was applied

  auto gen = h.control("usage", {{"generate", {{"prefix", "bench"}, {"count", 1000}, {"used_mb_min", 10}, {"used_mb_max", 20}}}});
  REQUIRE(gen["created"] == 1000);
  auto sid = h.adminSid();
  auto list = h.call("SYNO.Core.User", "list", 1, {{"type", "local"}, {"limit", 0}}, sid);
  REQUIRE(list.body["data"]["total"] == 1004);
  auto q = h.call("SYNO.Core.Quota", "get", 1, {{"name", "bench0500"}}, sid);
  auto used = q.body["data"]["user_quota"][0]["shares"][0]["used"].get<int>();
  REQUIRE(used >= 10);
  REQUIRE(used <= 20);

  h.control("reset");
  REQUIRE(h.state()["users"].size() == 3);
  REQUIRE(h.call("SYNO.Core.User", "list", 1, {{"type", "local"}}, sid).code() == 119);  // sessions are gone
}
