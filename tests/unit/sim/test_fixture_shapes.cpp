// Every fixture the simulator serves: make the call, compare the answer with the captured DSM response
// field for field (same keys at every level, same JSON types).
#include "sim/sim_harness.hpp"

using namespace puq::test;

namespace {

// A compound call holding one sub-request; returns result[0] (fixtures that are sub-results carry
// api/method/version at the top level).
json subResult(SimHarness& h, const std::string& sid, json sub) {
  auto r = h.call("SYNO.Entry.Request", "request", 1, {{"compound", json::array({sub})}}, sid);
  REQUIRE(r.ok());
  REQUIRE(r.body["data"]["result"].size() == 1);
  return r.body["data"]["result"][0];
}

}  // namespace

TEST_CASE("Info answers exactly the captured DSM 7 and DSM 6 subsets", "[sim][fixture]") {
  SECTION("dsm7 on query.cgi and entry.cgi") {
    SimHarness h;
    for (const char* path : {"/webapi/query.cgi", "/webapi/entry.cgi"}) {
      auto r = h.get(path, {{"api", "SYNO.API.Info"}, {"version", "1"}, {"method", "query"}, {"query", "all"}});
      REQUIRE(r.status == 200);
      REQUIRE(r.body == loadFixture("api.info.query.dsm7.subset.json"));
    }
  }
  SECTION("dsm6 on query.cgi") {
    auto o = testOptions();
    o.profile = "dsm6";
    SimHarness h(o);
    auto r = h.get("/webapi/query.cgi", {{"api", "SYNO.API.Info"}, {"version", "1"}, {"method", "query"}, {"query", "all"}});
    REQUIRE(r.body == loadFixture("api.info.query.dsm6.subset.json"));
  }
  SECTION("a comma list returns just those entries") {
    SimHarness h;
    auto r = h.get("/webapi/query.cgi", {{"api", "SYNO.API.Info"},
                                         {"version", "1"},
                                         {"method", "query"},
                                         {"query", "SYNO.API.Auth,SYNO.Core.User,SYNO.Nope"}});
    auto all = loadFixture("api.info.query.dsm7.subset.json")["data"];
    REQUIRE(r.body["data"] == json({{"SYNO.API.Auth", all["SYNO.API.Auth"]}, {"SYNO.Core.User", all["SYNO.Core.User"]}}));
  }
}

TEST_CASE("Auth login, logout and the OTP answers have the captured shapes", "[sim][fixture]") {
  SimHarness h;
  auto& o = h.options();
  SECTION("v7 login with SynoToken") {
    auto r = h.login(o.admin_user, o.admin_password, 7, {{"enable_syno_token", "yes"}});
    requireShape(loadFixture("auth.login.v7.json"), r.body);
  }
  SECTION("v7 login with a device token, after OTP") {
    h.control("users", {{"users", {{{"name", "otpuser"}, {"password", "Otp-Passw0rd"}, {"otp_code", "123456"}}}}});
    auto challenge = h.login("otpuser", "Otp-Passw0rd", 7, {{"enable_syno_token", "yes"}});
    requireShape(loadFixture("auth.login.403.otp_required.json"), challenge.body);
    auto r = h.login("otpuser", "Otp-Passw0rd", 7,
                     {{"enable_syno_token", "yes"}, {"enable_device_token", "yes"}, {"device_name", "ci"}, {"otp_code", "123456"}});
    requireShape(loadFixture("auth.login.v7.otp_device.json"), r.body);
  }
  SECTION("logout") {
    auto sid = h.adminSid();
    auto r = h.call("SYNO.API.Auth", "logout", 7, json::object(), sid);
    REQUIRE(r.body == loadFixture("auth.logout.json"));
  }
}

TEST_CASE("DSM 6 login with a device token answers `did`", "[sim][fixture]") {
  auto o = testOptions();
  o.profile = "dsm6";
  SimHarness h(o);
  auto r = h.login(o.admin_user, o.admin_password, 6, {{"enable_syno_token", "yes"}, {"enable_device_token", "yes"}});
  requireShape(loadFixture("auth.login.v6.otp_device.json"), r.body);
}

TEST_CASE("DSM.Info, user, group, home, quota and service answers have the captured shapes", "[sim][fixture]") {
  SimHarness h;
  auto sid = h.adminSid();

  SECTION("DSM.Info getinfo v2") {
    auto r = h.call("SYNO.DSM.Info", "getinfo", 2, json::object(), sid);
    requireShape(loadFixture("dsm.info.getinfo.dsm7.json"), r.body);
    REQUIRE(r.body["data"]["model"] == "DS918+");
    REQUIRE(r.body["data"]["version"] == "69057");
  }
  SECTION("User list with additional, built-in accounts as captured") {
    h.control("users", {{"users", {{{"name", "test_api"}, {"password", "x"}}}}});
    auto r = h.call("SYNO.Core.User", "list", 1,
                    {{"type", "local"}, {"offset", 0}, {"limit", -1},
                     {"additional", {"description", "email", "expired", "passwd_never_expire"}}},
                    sid);
    requireShape(loadFixture("core.user.list.additional.json"), r.body);
    const auto& users = r.body["data"]["users"];
    REQUIRE(users[0] == json({{"description", "System default user"}, {"email", ""}, {"expired", "now"},
                              {"name", "admin"}, {"passwd_never_expire", true}}));
    REQUIRE(users[1]["name"] == "guest");
    REQUIRE(users[1]["description"] == "Guest");
    REQUIRE(users[1]["expired"] == "now");
  }
  SECTION("User get with every additional field, as a compound sub-result") {
    REQUIRE(h.call("SYNO.Core.User", "create", 1, {{"name", "test_api"}, {"password", "Sim-Passw0rd1"}}, sid).ok());
    auto row = subResult(h, sid,
                         {{"api", "SYNO.Core.User"}, {"method", "get"}, {"version", 1}, {"name", "test_api"},
                          {"additional", {"cannot_chg_passwd", "description", "email", "expired", "is_password_pending",
                                          "passwd_never_expire", "password_last_change", "uid"}}});
    requireShape(loadFixture("core.user.get.additional.json"), row);
  }
  SECTION("User create, set, delete") {
    auto created = h.call("SYNO.Core.User", "create", 1,
                          {{"name", "ccsync_b"}, {"password", "Sim-Passw0rd1"}, {"description", ""}, {"email", ""},
                           {"expired", "normal"}, {"cannot_chg_passwd", false}, {"passwd_never_expire", true},
                           {"notify_by_email", false}, {"send_password", false}},
                          sid);
    requireShape(loadFixture("core.user.create.json"), created.body);
    auto set = h.call("SYNO.Core.User", "set", 1, {{"name", "ccsync_b"}, {"email", "b@example.com"}}, sid);
    requireShape(loadFixture("core.user.set.json"), set.body);
    auto del = h.call("SYNO.Core.User", "delete", 1, {{"name", {"ccsync_b"}}}, sid);
    REQUIRE(del.body == loadFixture("core.user.delete.json"));
  }
  SECTION("PasswordPolicy get: direct and as a sub-result") {
    auto fixture = loadFixture("core.user.passwordpolicy.get.json");
    auto row = subResult(h, sid, {{"api", "SYNO.Core.User.PasswordPolicy"}, {"method", "get"}, {"version", 1}});
    requireShape(fixture, row);
    REQUIRE(row["data"] == fixture["data"]);  // DSM's defaults
    auto direct = h.call("SYNO.Core.User.PasswordPolicy", "get", 1, json::object(), sid);
    requireShape({{"data", fixture["data"]}, {"success", true}}, direct.body);
  }
  SECTION("User.Group get, join, join_status") {
    REQUIRE(h.call("SYNO.Core.Group", "create", 1, {{"name", "editors"}}, sid).ok());
    REQUIRE(h.call("SYNO.Core.User", "create", 1, {{"name", "u1"}, {"password", "Sim-Passw0rd1"}}, sid).ok());
    auto join = h.call("SYNO.Core.User.Group", "join", 1, {{"name", "u1"}, {"join_group", {"editors"}}}, sid);
    requireShape(loadFixture("core.user.group.join.json"), join.body);
    auto status = h.call("SYNO.Core.User.Group", "join_status", 1, {{"task_id", join.body["data"]["task_id"]}}, sid);
    requireShape(loadFixture("core.user.group.join_status.json"), status.body);
    REQUIRE(status.body["data"]["finish"] == true);
    auto groups = h.call("SYNO.Core.User.Group", "get", 1, {{"name", "u1"}}, sid);
    REQUIRE(groups.body == loadFixture("core.user.group.get.json"));  // {"groups":["editors","users"]}
  }
  SECTION("User.Home get") {
    REQUIRE(h.call("SYNO.Core.User.Home", "set", 1, {{"enable", true}, {"location", "/volume1"}}, sid).ok());
    auto r = h.call("SYNO.Core.User.Home", "get", 1, json::object(), sid);
    REQUIRE(r.body == loadFixture("core.user.home.get.json"));
  }
  SECTION("Group list (no gid), list name_only=false (gid), create, delete, member add") {
    auto created = h.call("SYNO.Core.Group", "create", 1, {{"name", "editors"}, {"description", ""}}, sid);
    REQUIRE(created.body == loadFixture("core.group.create.json"));  // gid 65536, name editors
    auto list = h.call("SYNO.Core.Group", "list", 1, {{"type", "local"}, {"offset", 0}, {"limit", -1}}, sid);
    requireShape(loadFixture("core.group.list.json"), list.body);
    REQUIRE(list.body["data"]["total"] == 4);
    auto with_gid = h.call("SYNO.Core.Group", "list", 1, {{"type", "local"}, {"name_only", false}}, sid);
    requireShape(loadFixture("core.group.list.with_gid.json"), with_gid.body);
    const auto& g = with_gid.body["data"]["groups"];
    REQUIRE(g[0] == json({{"description", "System default admin group"}, {"gid", 101}, {"name", "administrators"}}));
    REQUIRE(g[2]["name"] == "http");
    REQUIRE(g[2]["gid"] == 1023);
    REQUIRE(g[3] == json({{"description", "System default group"}, {"gid", 100}, {"name", "users"}}));
    auto add = h.call("SYNO.Core.Group.Member", "add", 1, {{"group", "editors"}, {"name", {h.options().admin_user}}}, sid);
    REQUIRE(add.body == loadFixture("core.group.member.add.json"));
    auto del = h.call("SYNO.Core.Group", "delete", 1, {{"name", {"editors"}}}, sid);
    REQUIRE(del.body == loadFixture("core.group.delete.json"));
  }
  SECTION("Quota get for a group") {
    h.control("groups", {{"groups", {{{"name", "editors"}, {"quota_mb", 1024}}}}});
    auto r = h.call("SYNO.Core.Quota", "get", 1,
                    {{"name", "editors"}, {"subject_type", "group"}, {"support_share_quota", true}}, sid);
    requireShape(loadFixture("core.quota.get.group.json"), r.body);
    REQUIRE(r.body["data"]["group_quota"][0]["shares"][0]["quota"] == 1024);
  }
  SECTION("SFTP get and set") {
    REQUIRE(h.call("SYNO.Core.FileServ.FTP.SFTP", "get", 1, json::object(), sid).body ==
            loadFixture("core.fileserv.ftp.sftp.get.json"));
    auto set = h.call("SYNO.Core.FileServ.FTP.SFTP", "set", 1, {{"enable", true}, {"portnum", 22}}, sid);
    REQUIRE(set.body == loadFixture("core.fileserv.ftp.sftp.set.json"));
    REQUIRE(h.call("SYNO.Core.FileServ.FTP.SFTP", "get", 1, json::object(), sid).body["data"]["enable"] == true);
  }
  SECTION("AppPriv rule set, list and app allowed") {
    auto set = h.call("SYNO.Core.AppPriv.Rule", "set", 1,
                      {{"app_id", "SYNO.SFTP"},
                       {"rules", {{{"entity_type", "user"}, {"entity_name", "guest"}, {"app_id", "SYNO.SFTP"},
                                   {"allow_ip", json::array()}, {"deny_ip", {"0.0.0.0"}}}}}},
                      sid);
    REQUIRE(set.body == loadFixture("core.apppriv.rule.set.json"));
    auto list = h.call("SYNO.Core.AppPriv.Rule", "list", 1, {{"app_id", "SYNO.SFTP"}}, sid);
    requireShape(loadFixture("core.apppriv.rule.list.json"), list.body);
    auto allowed = h.call("SYNO.Core.AppPriv.App", "allowed", 2, {{"app_id", "SYNO.SFTP"}}, sid);
    requireShape(loadFixture("core.apppriv.app.allowed.json"), allowed.body);
    for (const auto& u : allowed.body["data"]["users"]) REQUIRE(u["name"] != "guest");  // the deny wins
  }
}

TEST_CASE("Error answers have the captured shapes and headers", "[sim][fixture]") {
  SimHarness h;
  auto bad_sid = h.call("SYNO.Core.User", "list", 1, {{"type", "local"}}, "not-a-sid");
  REQUIRE(bad_sid.status == 200);
  REQUIRE(bad_sid.body == loadFixture("error.119.json"));
  REQUIRE(bad_sid.header("x-request-error") == "unauth");

  auto v6 = h.adminSid(6);
  auto write = h.call("SYNO.Core.User", "set", 1, {{"name", h.options().admin_user}, {"email", "a@b.c"}}, v6);
  REQUIRE(write.status == 200);
  REQUIRE(write.body == loadFixture("error.105.json"));
  REQUIRE(write.header("x-request-error") == "noprivilege");
}
