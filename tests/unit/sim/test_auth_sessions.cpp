// SYNO.API.Auth, sessions, permissions and the dispatcher's checks (dsm-api.md §1-§3).
#include <thread>

#include "sim/sim_harness.hpp"

using namespace puq::test;

TEST_CASE("login failures answer DSM's Auth codes", "[sim][auth]") {
  SimHarness h;
  h.control("users", {{"users",
                       {{{"name", "alice"}, {"password", "Alice-Pw1"}},
                        {{"name", "disabled"}, {"password", "Dis-Pw1"}, {"expired", "now"}},
                        {{"name", "lapsed"}, {"password", "Lap-Pw1"}, {"expired", "2001/1/1"}},
                        {{"name", "otp"}, {"password", "Otp-Pw1"}, {"otp_code", "654321"}}}}});
  REQUIRE(h.login("alice", "wrong").code() == 400);
  REQUIRE(h.login("nobody", "x").code() == 400);
  REQUIRE(h.login("disabled", "Dis-Pw1").code() == 401);
  REQUIRE(h.login("lapsed", "Lap-Pw1").code() == 401);  // an expiry date in the past disables too
  REQUIRE(h.login("disabled", "wrong").code() == 400);  // the password is checked first
  REQUIRE(h.login("admin", "").code() == 400);          // built-in admin: no password, disabled
  REQUIRE(h.login("ALICE", "Alice-Pw1").ok());          // account names without case

  SECTION("OTP: 403 without a code, 404 with a wrong one, then a device token skips it") {
    auto challenge = h.login("otp", "Otp-Pw1");
    REQUIRE(challenge.code() == 403);
    REQUIRE(challenge.body["error"]["errors"]["types"][0]["type"] == "otp");
    REQUIRE(h.login("otp", "Otp-Pw1", 7, {{"otp_code", "000000"}}).code() == 404);
    auto ok = h.login("otp", "Otp-Pw1", 7, {{"otp_code", "654321"}, {"enable_device_token", "yes"}});
    REQUIRE(ok.ok());
    std::string device = ok.body["data"]["device_id"];
    REQUIRE(device.size() == 86);
    REQUIRE(h.login("otp", "Otp-Pw1", 7, {{"device_id", device}}).ok());
  }
}

TEST_CASE("login answers the fixture's key set and no more", "[sim][auth]") {
  SimHarness h;
  auto& o = h.options();
  auto plain = h.login(o.admin_user, o.admin_password, 7);
  REQUIRE(plain.ok());
  REQUIRE(plain.body["data"].size() == 2);  // is_portal_port, sid: no synotoken unless asked
  auto token = h.login(o.admin_user, o.admin_password, 7, {{"enable_syno_token", "yes"}});
  REQUIRE(token.body["data"].size() == 3);
  REQUIRE(token.body["data"]["synotoken"].get<std::string>().size() == 13);
  auto v2 = h.login(o.admin_user, o.admin_password, 2, {{"enable_syno_token", "yes"}});
  REQUIRE_FALSE(v2.body["data"].contains("synotoken"));  // MIB: none below Auth v3
  REQUIRE(h.sim().stats().logins == 3);
}

TEST_CASE("Auth parameters are taken raw: a JSON-quoted password does not match", "[sim][auth]") {
  SimHarness h;
  auto& o = h.options();
  REQUIRE(h.login(o.admin_user, "\"" + o.admin_password + "\"").code() == 400);
}

TEST_CASE("the sid travels as _sid or as cookie id; SynoToken as header or parameter", "[sim][auth]") {
  SimHarness h;
  auto& o = h.options();
  auto r = h.login(o.admin_user, o.admin_password, 7, {{"enable_syno_token", "yes"}});
  std::string sid = r.body["data"]["sid"], token = r.body["data"]["synotoken"];
  RawParams list = {{"api", "SYNO.Core.User"}, {"method", "list"}, {"version", "1"}, {"type", "\"local\""}};

  auto by_cookie = h.get("/webapi/entry.cgi", list, {{"Cookie", "other=1; id=" + sid}, {"X-SYNO-TOKEN", token}});
  REQUIRE(by_cookie.ok());
  auto with_param = list;
  with_param["_sid"] = sid;
  with_param["SynoToken"] = token;
  REQUIRE(h.get("/webapi/entry.cgi", with_param).ok());
  REQUIRE(h.sim().stats().without_synotoken == 0);

  with_param.erase("SynoToken");
  REQUIRE(h.get("/webapi/entry.cgi", with_param).ok());  // accepted, but counted
  REQUIRE(h.sim().stats().without_synotoken == 1);
  with_param["SynoToken"] = "wrong";
  auto wrong = h.get("/webapi/entry.cgi", with_param);
  REQUIRE(wrong.code() == 119);
  REQUIRE(wrong.header("x-request-error") == "unauth");

  SECTION("format=cookie also sets the cookie") {
    auto c = h.login(o.admin_user, o.admin_password, 7, {{"format", "cookie"}});
    REQUIRE(c.ok());
    REQUIRE(c.header("Set-Cookie").find("id=" + c.body["data"]["sid"].get<std::string>()) == 0);
  }
}

TEST_CASE("a missing, unknown or logged-out sid answers 119 with x-request-error: unauth", "[sim][auth]") {
  SimHarness h;
  auto missing = h.call("SYNO.Core.User", "list", 1, {{"type", "local"}});
  REQUIRE(missing.code() == 119);
  REQUIRE(missing.header("x-request-error") == "unauth");
  auto sid = h.adminSid();
  REQUIRE(h.call("SYNO.API.Auth", "logout", 7, {{"session", "puqtest"}}, sid).ok());
  auto after = h.call("SYNO.Core.User", "list", 1, {{"type", "local"}}, sid);
  REQUIRE(after.code() == 119);
  REQUIRE(h.call("SYNO.API.Auth", "logout", 7, json::object(), sid).ok());  // logout is idempotent
}

TEST_CASE("an idle session answers 106", "[sim][auth]") {
  auto o = testOptions();
  o.session_idle_seconds = 1;
  SimHarness h(o);
  auto sid = h.adminSid();
  REQUIRE(h.call("SYNO.Core.User", "list", 1, {{"type", "local"}}, sid).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  REQUIRE(h.call("SYNO.Core.User", "list", 1, {{"type", "local"}}, sid).code() == 106);
  REQUIRE(h.call("SYNO.Core.User", "list", 1, {{"type", "local"}}, sid).code() == 106);  // stays dead
  REQUIRE(h.call("SYNO.Core.User", "list", 1, {{"type", "local"}}, h.adminSid()).ok());  // a new login works
}

TEST_CASE("control expire_sessions kills every current sid with the chosen code", "[sim][auth][control]") {
  for (int code : {106, 107, 119}) {
    SimHarness h;
    auto sid = h.adminSid();
    h.control("faults", {{"expire_sessions", code}});
    auto r = h.call("SYNO.Core.User", "list", 1, {{"type", "local"}}, sid);
    REQUIRE(r.code() == code);
    REQUIRE(h.call("SYNO.Core.User", "list", 1, {{"type", "local"}}, h.adminSid()).ok());
  }
}

TEST_CASE("dsm7: a sid from Auth v6 reads but every write answers 105 noprivilege", "[sim][auth]") {
  SimHarness h;
  auto v6 = h.adminSid(6);
  auto v7 = h.adminSid(7);
  REQUIRE(h.call("SYNO.Core.User", "list", 1, {{"type", "local"}}, v6).ok());
  REQUIRE(h.call("SYNO.Core.User", "get", 1, {{"name", h.options().admin_user}}, v6).ok());
  REQUIRE(h.call("SYNO.Core.Group", "list", 1, {{"type", "local"}}, v6).ok());
  REQUIRE(h.call("SYNO.Core.Quota", "get", 1, {{"name", h.options().admin_user}}, v6).ok());

  auto create = h.call("SYNO.Core.User", "create", 1, {{"name", "newbie"}, {"password", "Sim-Passw0rd1"}}, v6);
  REQUIRE(create.code() == 105);
  REQUIRE(create.header("x-request-error") == "noprivilege");
  REQUIRE(h.call("SYNO.Core.Group", "create", 1, {{"name", "g"}}, v6).code() == 105);
  REQUIRE(h.call("SYNO.Core.Group.Member", "add", 1, {{"group", "users"}, {"name", {"x"}}}, v6).code() == 105);
  REQUIRE(h.call("SYNO.Core.User.Home", "set", 1, {{"enable", false}}, v6).code() == 105);
  // The same rule inside a compound request.
  auto compound = h.call("SYNO.Entry.Request", "request", 1,
                         {{"compound", {{{"api", "SYNO.Core.User"}, {"method", "list"}, {"version", 1}, {"type", "local"}},
                                        {{"api", "SYNO.Core.User"}, {"method", "create"}, {"version", 1},
                                         {"name", "newbie"}, {"password", "Sim-Passw0rd1"}}}}},
                         v6);
  REQUIRE(compound.ok());
  REQUIRE(compound.body["data"]["result"][0]["success"] == true);
  REQUIRE(compound.body["data"]["result"][1]["error"]["code"] == 105);

  REQUIRE(h.call("SYNO.Core.User", "create", 1, {{"name", "newbie"}, {"password", "Sim-Passw0rd1"}}, v7).ok());
}

TEST_CASE("dsm6 profile: Info on query.cgi, Auth (max 6) on auth.cgi, writes from v6 allowed", "[sim][auth]") {
  auto o = testOptions();
  o.profile = "dsm6";
  SimHarness h(o);
  auto info = h.get("/webapi/query.cgi", {{"api", "SYNO.API.Info"}, {"version", "1"}, {"method", "query"},
                                          {"query", "SYNO.API.Auth"}});
  REQUIRE(info.body["data"]["SYNO.API.Auth"] == json({{"maxVersion", 6}, {"minVersion", 1}, {"path", "auth.cgi"}}));
  REQUIRE(h.login(o.admin_user, o.admin_password, 7).code() == 104);  // above max 6
  auto sid = h.adminSid(6);
  REQUIRE(h.call("SYNO.Core.User", "create", 1, {{"name", "newbie"}, {"password", "Sim-Passw0rd1"}}, sid).ok());
  // UsernamePolicy is DSM 7 only; DSM 6 serves Auth on auth.cgi, not entry.cgi.
  REQUIRE(h.call("SYNO.Core.User.UsernamePolicy", "list", 1, json::object(), sid).code() == 102);
  auto on_entry = h.post("/webapi/entry.cgi", {{"api", "SYNO.API.Auth"}, {"version", "6"}, {"method", "login"},
                                               {"account", o.admin_user}, {"passwd", o.admin_password}});
  REQUIRE(on_entry.code() == 102);
}

TEST_CASE("non-admin users log in but SYNO.Core.* answers 105", "[sim][auth]") {
  SimHarness h;
  h.control("users", {{"users", {{{"name", "bob"}, {"password", "Bob-Pw1"}}, {{"name", "root2"}, {"password", "R-Pw1"}, {"admin", true}}}}});
  auto r = h.login("bob", "Bob-Pw1");
  REQUIRE(r.ok());
  std::string sid = r.body["data"]["sid"];
  auto denied = h.call("SYNO.Core.User", "list", 1, {{"type", "local"}}, sid);
  REQUIRE(denied.code() == 105);
  REQUIRE(denied.header("x-request-error") == "noprivilege");
  REQUIRE(h.call("SYNO.Core.Quota", "get", 1, {{"name", "bob"}}, sid).code() == 105);
  REQUIRE(h.call("SYNO.DSM.Info", "getinfo", 2, json::object(), sid).ok());  // §8: normal users may
  auto admin = h.login("root2", "R-Pw1");
  REQUIRE(h.call("SYNO.Core.User", "list", 1, {{"type", "local"}}, admin.body["data"]["sid"]).ok());
}

TEST_CASE("dispatcher checks: 101, 102, 104 before 103", "[sim][dispatch]") {
  SimHarness h;
  auto sid = h.adminSid();
  REQUIRE(h.post("/webapi/entry.cgi", {{"api", "SYNO.Core.User"}, {"method", "list"}}).code() == 101);
  REQUIRE(h.post("/webapi/entry.cgi", {{"method", "list"}, {"version", "1"}}).code() == 101);
  REQUIRE(h.call("SYNO.Core.Nope", "list", 1, json::object(), sid).code() == 102);
  REQUIRE(h.call("SYNO.Core.User", "list", 2, json::object(), sid).code() == 104);
  REQUIRE(h.call("SYNO.Core.User", "nope", 2, json::object(), sid).code() == 104);  // version first (PMI)
  REQUIRE(h.call("SYNO.Core.User", "nope", 1, json::object(), sid).code() == 103);
  REQUIRE(h.call("SYNO.DSM.Info", "getinfo", 1, json::object(), sid).code() == 104);  // DSM.Info is v2 only
  REQUIRE(h.call("SYNO.Core.System", "info", 1, json::object(), sid).code() == 103);   // listed, not simulated
  // An unknown API without a session is still 102 (the API is checked before the session).
  REQUIRE(h.call("SYNO.Core.Nope", "list", 1).code() == 102);
}

TEST_CASE("transport: GET and POST, params in both, and POST entry.cgi/<API name>", "[sim][dispatch]") {
  SimHarness h;
  auto sid = h.adminSid();
  auto c = h.client();
  // Query string carries api/method/version/_sid, the form body the rest.
  auto res = c.Post(("/webapi/entry.cgi?api=SYNO.Core.User&version=1&method=get&_sid=" + sid).c_str(),
                    "name=%22" + h.options().admin_user + "%22&additional=%5B%22uid%22%5D",
                    "application/x-www-form-urlencoded");
  REQUIRE(res);
  auto j = json::parse(res->body);
  REQUIRE(j["data"]["users"][0]["uid"] == 1026);

  auto by_path = h.post("/webapi/entry.cgi/SYNO.Core.User",
                        {{"method", "get"}, {"version", "1"}, {"name", h.options().admin_user}, {"_sid", sid}});
  REQUIRE(by_path.ok());  // a raw (unquoted) string value works as well
  REQUIRE(by_path.body["data"]["users"][0]["name"] == h.options().admin_user);

  REQUIRE(h.get("/webapi/entry.cgi", {{"api", "SYNO.Core.User"}, {"method", "list"}, {"version", "1"}, {"_sid", sid}}).ok());
  REQUIRE(h.sim().stats().requests >= 4);
  REQUIRE(h.sim().stats().per_api.at("SYNO.Core.User") == 3);
}
