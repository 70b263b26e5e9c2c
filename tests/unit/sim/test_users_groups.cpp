// SYNO.Core.User / Group / Group.Member / User.Home / Quota behaviour and quirks (dsm-api.md §4-§7).
#include "sim/sim_harness.hpp"

using namespace puq::test;

namespace {

const char* kPw = "Sim-Passw0rd1";

Reply createUser(SimHarness& h, const std::string& sid, const std::string& name, json extra = json::object()) {
  extra["name"] = name;
  if (!extra.contains("password")) extra["password"] = kPw;
  return h.call("SYNO.Core.User", "create", 1, extra, sid);
}

}  // namespace

TEST_CASE("Python-style True/False are refused with 3103; JSON booleans work", "[sim][user]") {
  SimHarness h;
  auto sid = h.adminSid();
  RawParams form = {{"api", "SYNO.Core.User"}, {"method", "create"}, {"version", "1"}, {"_sid", sid},
                    {"name", "\"bob\""}, {"password", "\"Sim-Passw0rd1\""}, {"passwd_never_expire", "True"}};
  REQUIRE(h.post("/webapi/entry.cgi", form).code() == 3103);
  form["passwd_never_expire"] = "False";
  REQUIRE(h.post("/webapi/entry.cgi", form).code() == 3103);
  form["passwd_never_expire"] = "\"true\"";  // a JSON string where a boolean belongs
  REQUIRE(h.post("/webapi/entry.cgi", form).code() == 3103);
  form["passwd_never_expire"] = "true";
  REQUIRE(h.post("/webapi/entry.cgi", form).ok());
}

TEST_CASE("User list: type, paging, additional, ordering", "[sim][user]") {
  SimHarness h;
  auto sid = h.adminSid();
  for (const char* n : {"Zed", "bob", "Carol"}) REQUIRE(createUser(h, sid, n).ok());
  REQUIRE(h.call("SYNO.Core.User", "list", 1, {{"type", "system"}}, sid).code() == 3103);  // SPIKE

  auto all = h.call("SYNO.Core.User", "list", 1, {{"type", "local"}, {"offset", 0}, {"limit", -1}}, sid);
  std::vector<std::string> names;
  for (const auto& u : all.body["data"]["users"]) {
    REQUIRE(u.size() == 1);  // only the name without `additional`
    names.push_back(u["name"]);
  }
  REQUIRE(names == std::vector<std::string>{"admin", "bob", "Carol", "guest", "puqadmin", "Zed"});
  REQUIRE(all.body["data"]["total"] == 6);

  auto page = h.call("SYNO.Core.User", "list", 1,
                     {{"type", "local"}, {"offset", 1}, {"limit", 2}, {"additional", {"uid", "email"}}}, sid);
  REQUIRE(page.body["data"]["offset"] == 1);
  REQUIRE(page.body["data"]["total"] == 6);
  REQUIRE(page.body["data"]["users"].size() == 2);
  REQUIRE(page.body["data"]["users"][0] == json({{"email", ""}, {"name", "bob"}, {"uid", 1028}}));
  REQUIRE(h.call("SYNO.Core.User", "list", 1, {{"additional", "uid"}}, sid).code() == 3103);  // not an array
}

TEST_CASE("User create: 3107 without case, name rules, description, policy", "[sim][user]") {
  SimHarness h;
  auto sid = h.adminSid();
  auto first = createUser(h, sid, "alice");
  REQUIRE(first.body["data"]["uid"] == 1027);  // admin 1024, guest 1025, puqadmin 1026
  REQUIRE(createUser(h, sid, "alice").code() == 3107);
  REQUIRE(createUser(h, sid, "ALICE").code() == 3107);

  for (const char* bad : {"a/b", "a\\b", "a[b", "a]b", "a:b", "a;b", "a|b", "a=b", "a,b", "a+b", "a*b", "a?b", "a<b",
                          "a>b", "a\"b", "a@b", "-lead", "tab\tname", "", "root", "Admin", "guest", "SynologyCMS",
                          "mailer-daemon", "POSTMASTER", "administrator", "user"})
    CHECK(createUser(h, sid, bad).code() == 3103);
  REQUIRE(createUser(h, sid, std::string(64, 'x')).ok());
  REQUIRE(createUser(h, sid, std::string(65, 'y')).code() == 3103);
  REQUIRE(createUser(h, sid, "josé").ok());  // 64 limit counts characters, not bytes
  REQUIRE(createUser(h, sid, "desc", {{"description", std::string(65, 'd')}}).code() == 3103);
  REQUIRE(createUser(h, sid, "numeric", {{"password", 12345678}}).code() == 3103);  // not a string

  SECTION("weak passwords answer the configured code") {
    REQUIRE(createUser(h, sid, "w1", {{"password", "short1A"}}).code() == 3117);
    REQUIRE(createUser(h, sid, "w2", {{"password", "alllowercase1"}}).code() == 3117);
    REQUIRE(createUser(h, sid, "w3", {{"password", "NoDigitsHere"}}).code() == 3117);
    REQUIRE(createUser(h, sid, "w4", {{"password", "Has-w4-Name1"}}).code() == 3117);  // exclude_username
    h.control("policy", {{"included_special_char", true}, {"min_length", 10}});
    REQUIRE(createUser(h, sid, "w5", {{"password", "Abcdefgh12"}}).code() == 3117);
    REQUIRE(createUser(h, sid, "w5", {{"password", "Abcdefg-12"}}).ok());
    auto policy = h.call("SYNO.Core.User.PasswordPolicy", "get", 1, json::object(), sid);
    REQUIRE(policy.body["data"]["strong_password"]["min_length"] == 10);
  }
  SECTION("3121 when configured") {
    auto o = testOptions();
    o.weak_password_code = 3121;
    SimHarness h2(o);
    REQUIRE(createUser(h2, h2.adminSid(), "w1", {{"password", "weak"}}).code() == 3121);
  }
}

TEST_CASE("User get and set: 3106, rename, expired formats, password change", "[sim][user]") {
  SimHarness h;
  auto sid = h.adminSid();
  REQUIRE(createUser(h, sid, "carol").ok());
  REQUIRE(h.call("SYNO.Core.User", "get", 1, {{"name", "nobody"}}, sid).code() == 3106);
  REQUIRE(h.call("SYNO.Core.User", "set", 1, {{"name", "nobody"}, {"email", "x"}}, sid).code() == 3106);
  REQUIRE(h.call("SYNO.Core.User", "get", 1, {{"name", "CAROL"}}, sid).body["data"]["users"][0]["name"] == "carol");

  REQUIRE(h.call("SYNO.Core.User", "set", 1, {{"name", "carol"}, {"expired", "2027-03-05"}}, sid).code() == 3103);
  REQUIRE(h.call("SYNO.Core.User", "set", 1, {{"name", "carol"}, {"expired", "2027/2/30"}}, sid).code() == 3103);
  REQUIRE(h.call("SYNO.Core.User", "set", 1, {{"name", "carol"}, {"expired", "2027/03/05"}}, sid).ok());
  auto got = h.call("SYNO.Core.User", "get", 1, {{"name", "carol"}, {"additional", {"expired"}}}, sid);
  REQUIRE(got.body["data"]["users"][0]["expired"] == "2027/3/5");  // DSM drops leading zeros
  REQUIRE(h.call("SYNO.Core.User", "set", 1, {{"name", "carol"}, {"expired", "now"}}, sid).ok());
  REQUIRE(h.login("carol", kPw).code() == 401);
  REQUIRE(h.call("SYNO.Core.User", "set", 1, {{"name", "carol"}, {"expired", "normal"}}, sid).ok());
  REQUIRE(h.login("carol", kPw).ok());

  auto set = h.call("SYNO.Core.User", "set", 1, {{"name", "carol"}, {"password", "New-Passw0rd2"}}, sid);
  REQUIRE(set.ok());
  auto days = std::chrono::duration_cast<std::chrono::hours>(std::chrono::system_clock::now().time_since_epoch()).count() / 24;
  REQUIRE(set.body["data"]["password_last_change"].get<int64_t>() == days);
  REQUIRE(h.login("carol", "New-Passw0rd2").ok());
  REQUIRE(h.call("SYNO.Core.User", "set", 1, {{"name", "carol"}, {"password", "weak"}}, sid).code() == 3117);

  auto renamed = h.call("SYNO.Core.User", "set", 1, {{"name", "carol"}, {"new_name", "caroline"}}, sid);
  REQUIRE(renamed.body["data"]["name"] == "caroline");
  REQUIRE(renamed.body["data"]["uid"] == 1027);
  REQUIRE(h.call("SYNO.Core.User", "get", 1, {{"name", "carol"}}, sid).code() == 3106);
  REQUIRE(createUser(h, sid, "dave").ok());
  REQUIRE(h.call("SYNO.Core.User", "set", 1, {{"name", "dave"}, {"new_name", "Caroline"}}, sid).code() == 3107);
}

TEST_CASE("User delete: a JSON array, errors:[3102] on success, uids never reused", "[sim][user]") {
  SimHarness h;
  auto sid = h.adminSid();
  REQUIRE(createUser(h, sid, "gone").body["data"]["uid"] == 1027);
  REQUIRE(h.call("SYNO.Core.User", "delete", 1, {{"name", "gone"}}, sid).code() == 3101);  // a string
  auto del = h.call("SYNO.Core.User", "delete", 1, {{"name", {"gone"}}}, sid);
  REQUIRE(del.body == json::parse(R"({"data":{"errors":[3102]},"success":true})"));
  REQUIRE(h.call("SYNO.Core.User", "get", 1, {{"name", "gone"}}, sid).code() == 3106);
  // Deleting a name that no longer exists answers the same success (idempotent; see docs).
  REQUIRE(h.call("SYNO.Core.User", "delete", 1, {{"name", {"gone"}}}, sid).body == del.body);
  REQUIRE(h.call("SYNO.Core.User", "delete", 1, {{"name", {"admin"}}}, sid).code() == 3103);  // built-in
  REQUIRE(createUser(h, sid, "gone").body["data"]["uid"] == 1028);  // 1027 is not reused
}

TEST_CASE("Group create/list/get/delete: 3206, 3205, gids from 65536, built-ins", "[sim][group]") {
  SimHarness h;
  auto sid = h.adminSid();
  REQUIRE(h.call("SYNO.Core.Group", "create", 1, {{"name", "editors"}, {"description", "Ed"}}, sid).body["data"]["gid"] == 65536);
  REQUIRE(h.call("SYNO.Core.Group", "create", 1, {{"name", "Editors"}}, sid).code() == 3206);
  REQUIRE(h.call("SYNO.Core.Group", "create", 1, {{"name", "users"}}, sid).code() == 3206);
  REQUIRE(h.call("SYNO.Core.Group", "create", 1, {{"name", "viewers"}}, sid).body["data"]["gid"] == 65537);
  auto get = h.call("SYNO.Core.Group", "get", 1, {{"name", {"editors", "nope"}}}, sid);
  REQUIRE(get.ok());
  REQUIRE(get.body["data"]["groups"][0] == json({{"description", "Ed"}, {"gid", 65536}, {"name", "editors"}}));
  REQUIRE(get.body["data"]["errors"][0]["code"] == 3205);
  REQUIRE(h.call("SYNO.Core.Group", "delete", 1, {{"name", {"users"}}}, sid).code() == 3201);
  REQUIRE(h.call("SYNO.Core.Group", "delete", 1, {{"name", "viewers"}}, sid).code() == 3201);
  REQUIRE(h.call("SYNO.Core.Group", "delete", 1, {{"name", {"viewers"}}}, sid).ok());
  REQUIRE(h.call("SYNO.Core.Group", "create", 1, {{"name", "viewers"}}, sid).body["data"]["gid"] == 65538);
  auto list = h.call("SYNO.Core.Group", "list", 1, {{"offset", 1}, {"limit", 1}}, sid);
  REQUIRE(list.body["data"]["groups"] == json::parse(R"([{"description":"Ed","name":"editors"}])"));
  REQUIRE(list.body["data"]["total"] == 5);
}

TEST_CASE("Group.Member: list, add, remove, change, and the success that lies", "[sim][group]") {
  SimHarness h;
  auto sid = h.adminSid();
  REQUIRE(createUser(h, sid, "u1").ok());
  REQUIRE(createUser(h, sid, "u2").ok());
  REQUIRE(h.call("SYNO.Core.Group", "create", 1, {{"name", "editors"}}, sid).ok());
  auto members = [&](const std::string& group) {
    auto r = h.call("SYNO.Core.Group.Member", "list", 1, {{"group", group}, {"offset", 0}, {"limit", -1}}, sid);
    REQUIRE(r.ok());
    std::vector<std::string> names;
    for (const auto& u : r.body["data"]["users"]) names.push_back(u["name"]);
    return names;
  };

  SECTION("a wrong parameter name answers {data:{},success:true} and adds nothing") {
    auto r = h.call("SYNO.Core.Group.Member", "add", 1, {{"group", "editors"}, {"members", {"u1"}}}, sid);
    REQUIRE(r.body == json::parse(R"({"data":{},"success":true})"));
    REQUIRE(members("editors").empty());
  }
  SECTION("add, then list shows {description,name,uid}; remove; change") {
    REQUIRE(h.call("SYNO.Core.Group.Member", "add", 1, {{"group", "editors"}, {"name", {"u1", "U2", "ghost"}}}, sid).ok());
    REQUIRE(members("editors") == std::vector<std::string>{"u1", "u2"});
    auto listed = h.call("SYNO.Core.Group.Member", "list", 1, {{"group", "editors"}}, sid);
    REQUIRE(listed.body["data"]["users"][0] == json({{"description", ""}, {"name", "u1"}, {"uid", 1027}}));
    REQUIRE(listed.body["data"]["total"] == 2);
    REQUIRE(h.call("SYNO.Core.Group.Member", "remove", 1, {{"group", "editors"}, {"name", {"u1"}}}, sid).ok());
    REQUIRE(members("editors") == std::vector<std::string>{"u2"});
    REQUIRE(h.call("SYNO.Core.Group.Member", "change", 1,
                   {{"group", "editors"}, {"add_member", {"u1"}}, {"remove_member", {"u2"}}}, sid).ok());
    REQUIRE(members("editors") == std::vector<std::string>{"u1"});
    auto groups = h.call("SYNO.Core.User.Group", "get", 1, {{"name", "u1"}}, sid);
    REQUIRE(groups.body["data"]["groups"] == json({"editors", "users"}));
  }
  SECTION("every user is in users and stays there") {
    REQUIRE(h.call("SYNO.Core.Group.Member", "remove", 1, {{"group", "users"}, {"name", {"u1"}}}, sid).ok());
    auto in_users = members("users");
    REQUIRE(std::find(in_users.begin(), in_users.end(), "u1") != in_users.end());
  }
  SECTION("3205 for an unknown group") {
    REQUIRE(h.call("SYNO.Core.Group.Member", "list", 1, {{"group", "nope"}}, sid).code() == 3205);
    REQUIRE(h.call("SYNO.Core.Group.Member", "add", 1, {{"group", "nope"}, {"name", {"u1"}}}, sid).code() == 3205);
  }
}

TEST_CASE("User.Home set rules", "[sim][home]") {
  SimHarness h;
  auto sid = h.adminSid();
  REQUIRE(h.call("SYNO.Core.User.Home", "get", 1, json::object(), sid).body["data"]["enable"] == false);
  REQUIRE(h.call("SYNO.Core.User.Home", "set", 1, {{"enable", true}}, sid).code() == 3103);
  REQUIRE(h.call("SYNO.Core.User.Home", "set", 1, {{"enable", true}, {"location", "volume1"}}, sid).code() == 3101);
  REQUIRE(h.call("SYNO.Core.User.Home", "set", 1, {{"enable", true}, {"location", "/volume1/homes"}}, sid).code() == 3101);
  REQUIRE(h.call("SYNO.Core.User.Home", "set", 1, {{"enable", "yes"}, {"location", "/volume1"}}, sid).code() == 3103);
  REQUIRE(h.call("SYNO.Core.User.Home", "set", 1, {{"enable", true}, {"location", "/volume2/"}}, sid).ok());
  auto get = h.call("SYNO.Core.User.Home", "get", 1, {{"additional", {"personal_photo_enable"}}}, sid);
  REQUIRE(get.body["data"]["enable"] == true);
  REQUIRE(get.body["data"]["location"] == "/volume2");
  REQUIRE(get.body["data"]["additional"]["personal_photo_enable"] == false);
  REQUIRE(h.call("SYNO.Core.User.Home", "set", 1, {{"enable", false}, {"location", "/volume2"}}, sid).code() == 3103);
  REQUIRE(h.call("SYNO.Core.User.Home", "set", 1, {{"enable", false}}, sid).ok());
}

TEST_CASE("Quota get per user: shape, control-set usage, 5403, 3106; set", "[sim][quota]") {
  SimHarness h;
  auto sid = h.adminSid();
  REQUIRE(createUser(h, sid, "q1").ok());
  h.control("usage", {{"users", {{{"name", "q1"}, {"used_mb", 1234}, {"quota_mb", 5120}}}}});
  auto r = h.call("SYNO.Core.Quota", "get", 1, {{"name", "q1"}, {"support_share_quota", true}}, sid);
  REQUIRE(r.body == json::parse(R"({"data":{"user_quota":[{"volume":"/volume1","deduped":false,"quota_status":"v1",
      "support_share_quota":true,"shares":[{"name":"homes","description":"user home","quota":5120,"used":1234}]}]},
      "success":true})"));
  REQUIRE(h.call("SYNO.Core.Quota", "get", 1, {{"support_share_quota", true}}, sid).code() == 5403);
  REQUIRE(h.call("SYNO.Core.Quota", "get", 1, {{"name", "nobody"}}, sid).code() == 3106);
  REQUIRE(h.call("SYNO.Core.Quota", "get", 1, {{"name", "nobody"}, {"subject_type", "group"}}, sid).code() == 3205);

  auto set = h.call("SYNO.Core.Quota", "set", 1,
                    {{"name", "q1"}, {"user_quota", {{{"volume", "/volume1"}, {"shares", {{{"name", "homes"}, {"quota", 2048}}}}}}}},
                    sid);
  REQUIRE(set.ok());
  auto after = h.call("SYNO.Core.Quota", "get", 1, {{"name", "q1"}}, sid);
  REQUIRE(after.body["data"]["user_quota"][0]["shares"][0]["quota"] == 2048);
}
