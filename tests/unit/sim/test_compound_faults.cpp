// SYNO.Entry.Request and the injected faults of /control/faults.
#include <chrono>

#include "sim/sim_harness.hpp"

using namespace puq::test;

namespace {

json quotaGet(const std::string& name) {
  return {{"api", "SYNO.Core.Quota"}, {"method", "get"}, {"version", 1}, {"name", name}, {"support_share_quota", true}};
}

double elapsedMs(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("compound: mixed success and failure, envelope keys, stop_when_error", "[sim][compound]") {
  SimHarness h;
  auto sid = h.adminSid();
  h.control("users", {{"users", {{{"name", "a"}, {"password", "x"}, {"used_mb", 10}}, {{"name", "b"}, {"password", "x"}, {"used_mb", 20}}}}});
  json compound = {quotaGet("a"), quotaGet("nobody"), quotaGet("b"),
                   {{"api", "SYNO.Core.User"}, {"method", "list"}, {"version", 9}}};

  auto r = h.call("SYNO.Entry.Request", "request", 1,
                  {{"mode", "sequential"}, {"stop_when_error", false}, {"compound", compound}}, sid);
  REQUIRE(r.ok());
  REQUIRE(r.body["data"].size() == 1);  // only "result": no failure flag (dsm-api.md §3)
  const auto& res = r.body["data"]["result"];
  REQUIRE(res.size() == 4);
  REQUIRE(res[0]["success"] == true);
  REQUIRE(res[0]["data"]["user_quota"][0]["shares"][0]["used"] == 10);
  REQUIRE(res[0]["api"] == "SYNO.Core.Quota");
  REQUIRE(res[0]["method"] == "get");
  REQUIRE(res[0]["version"] == 1);
  REQUIRE(res[1] == json({{"api", "SYNO.Core.Quota"}, {"error", {{"code", 3106}}}, {"method", "get"},
                          {"success", false}, {"version", 1}}));
  REQUIRE(res[2]["data"]["user_quota"][0]["shares"][0]["used"] == 20);
  REQUIRE(res[3]["error"]["code"] == 104);

  auto stopped = h.call("SYNO.Entry.Request", "request", 2,
                        {{"mode", "sequential"}, {"stop_when_error", true}, {"compound", compound}}, sid);
  REQUIRE(stopped.body["data"]["result"].size() == 2);

  auto raw_mode = h.post("/webapi/entry.cgi", {{"api", "SYNO.Entry.Request"}, {"method", "request"}, {"version", "1"},
                                               {"_sid", sid}, {"mode", "parallel"}, {"compound", compound.dump()}});
  REQUIRE(raw_mode.body["data"]["result"].size() == 4);  // N4S4 sends mode raw: works too
  REQUIRE(raw_mode.body["data"]["result"][2]["success"] == true);

  REQUIRE(h.call("SYNO.Entry.Request", "request", 1, {{"compound", "nope"}}, sid).code() == 120);
  REQUIRE(h.call("SYNO.Entry.Request", "request", 1, {{"compound", compound}}).code() == 119);  // needs a sid
  REQUIRE(h.sim().stats().subrequests == 4 + 2 + 4);
}

TEST_CASE("compound: parallel mode overlaps the per-sub-request latency", "[sim][compound][faults]") {
  SimHarness h;
  auto sid = h.adminSid();
  h.control("usage", {{"generate", {{"prefix", "p"}, {"count", 16}, {"used_mb_min", 1}, {"used_mb_max", 9}}}});
  h.control("faults", {{"subrequest_latency_ms", 50.0}});
  json compound = json::array();
  for (int i = 1; i <= 16; ++i) compound.push_back(quotaGet("p" + std::string(i < 10 ? "000" : "00") + std::to_string(i)));

  auto t0 = std::chrono::steady_clock::now();
  auto seq = h.call("SYNO.Entry.Request", "request", 1, {{"mode", "sequential"}, {"compound", compound}}, sid);
  double seq_ms = elapsedMs(t0);
  t0 = std::chrono::steady_clock::now();
  auto par = h.call("SYNO.Entry.Request", "request", 1, {{"mode", "parallel"}, {"compound", compound}}, sid);
  double par_ms = elapsedMs(t0);
  for (const auto& row : par.body["data"]["result"]) REQUIRE(row["success"] == true);
  REQUIRE(seq.body["data"]["result"] == par.body["data"]["result"]);  // results keep the request order
  CHECK(seq_ms >= 16 * 50);
  CHECK(par_ms < seq_ms / 2);
}

TEST_CASE("faults: latency, fail count, http_status, not_json, hang, reset_connection", "[sim][faults]") {
  SimHarness h;
  auto sid = h.adminSid();
  auto list = [&] { return h.call("SYNO.Core.User", "list", 1, {{"type", "local"}}, sid); };

  SECTION("latency_ms delays every request") {
    h.control("faults", {{"latency_ms", 150}});
    auto t0 = std::chrono::steady_clock::now();
    REQUIRE(list().ok());
    CHECK(elapsedMs(t0) >= 140);
    h.control("faults/clear");
    t0 = std::chrono::steady_clock::now();
    REQUIRE(list().ok());
    CHECK(elapsedMs(t0) < 140);
  }
  SECTION("fail answers the DSM code for the next count matching calls") {
    h.control("faults", {{"fail", {{{"api", "SYNO.Core.User"}, {"method", "list"}, {"code", 117}, {"count", 2}}}}});
    REQUIRE(h.call("SYNO.Core.User", "get", 1, {{"name", "puqadmin"}}, sid).ok());  // other method
    REQUIRE(list().code() == 117);
    REQUIRE(list().code() == 117);
    REQUIRE(list().ok());
    h.control("faults", {{"fail", {{{"api", "SYNO.Core.Quota"}, {"code", 119}, {"count", -1}}}}});
    for (int i = 0; i < 3; ++i) {
      auto r = h.call("SYNO.Core.Quota", "get", 1, {{"name", "puqadmin"}}, sid);
      REQUIRE(r.code() == 119);
      REQUIRE(r.header("x-request-error") == "unauth");
    }
    // Sub-requests match too.
    auto c = h.call("SYNO.Entry.Request", "request", 1, {{"compound", {quotaGet("puqadmin")}}}, sid);
    REQUIRE(c.body["data"]["result"][0]["error"]["code"] == 119);
  }
  SECTION("http_status answers that status for count requests") {
    h.control("faults", {{"http_status", 502}, {"count", 2}});
    REQUIRE(list().status == 502);
    auto second = list();
    REQUIRE(second.status == 502);
    REQUIRE(second.body.is_discarded());
    REQUIRE(list().ok());
  }
  SECTION("not_json answers HTTP 200 with an HTML body") {
    h.control("faults", {{"not_json", 1}});
    auto r = list();
    REQUIRE(r.status == 200);
    REQUIRE(r.body.is_discarded());
    REQUIRE(list().ok());
  }
  SECTION("hang_ms sleeps before answering; a short client timeout gives up") {
    h.control("faults", {{"hang_ms", 1500}, {"count", 1}});
    auto c = h.client();
    c.set_read_timeout(0, 300000);
    auto res = c.Get("/webapi/entry.cgi?api=SYNO.API.Info&version=1&method=query&query=all");
    REQUIRE_FALSE(res);
    REQUIRE(res.error() == httplib::Error::Read);
    REQUIRE(list().ok());
  }
  SECTION("reset_connection closes the socket without an answer, over HTTP and HTTPS") {
    h.control("faults", {{"reset_connection", 1}});
    auto r = list();
    REQUIRE(r.transport_error);
    REQUIRE(list().ok());

    h.control("faults", {{"reset_connection", 1}});
    httplib::SSLClient tls("localhost", h.sim().httpsPort());
    tls.set_ca_cert_path(h.sim().certificatePath().c_str());
    tls.enable_server_certificate_verification(true);
    auto res = tls.Get(("/webapi/entry.cgi?api=SYNO.Core.User&version=1&method=list&_sid=" + sid).c_str());
    REQUIRE_FALSE(res);
    auto again = tls.Get(("/webapi/entry.cgi?api=SYNO.Core.User&version=1&method=list&_sid=" + sid).c_str());
    REQUIRE(again);
    REQUIRE(json::parse(again->body)["success"] == true);
  }
  SECTION("bad fault bodies are refused with HTTP 400") {
    auto c = h.client();
    auto res = c.Post("/control/faults", R"({"expire_sessions":500})", "application/json");
    REQUIRE(res->status == 400);
    res = c.Post("/control/faults", "not json", "application/json");
    REQUIRE(res->status == 400);
  }
}

TEST_CASE("stats count requests, logins, sub-requests and per-API calls; reset clears them", "[sim][control]") {
  SimHarness h;
  auto sid = h.adminSid();
  h.call("SYNO.Entry.Request", "request", 1, {{"compound", {quotaGet("puqadmin"), quotaGet("puqadmin")}}}, sid);
  auto stats = h.control("stats", json::object(), false);
  REQUIRE(stats["requests"] == 2);
  REQUIRE(stats["logins"] == 1);
  REQUIRE(stats["subrequests"] == 2);
  REQUIRE(stats["per_api"]["SYNO.Core.Quota"] == 2);
  REQUIRE(stats["per_api"]["SYNO.Entry.Request"] == 1);
  h.control("stats/reset");
  REQUIRE(h.sim().stats().requests == 0);
  REQUIRE(h.sim().stats().per_api.empty());
}
