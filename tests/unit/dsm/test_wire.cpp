// Wire-level tests of HttpClient against FakeNas, a tiny server the test controls byte for byte:
// encoding, discovery fallbacks, transport and TLS errors, session renewal, masking of records.
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <sstream>
#include <thread>

#include "fake_nas.hpp"
#include "puq/dsm/http_client.hpp"

using namespace puq::dsm;
using nlohmann::json;
using puq::dsm::test::FakeNas;
using puq::dsm::test::SeenRequest;

namespace {

Endpoint endpointFor(const FakeNas& nas, bool https = false) {
  Endpoint e;
  e.host = "127.0.0.1";
  e.port = nas.port();
  e.https = https;
  e.username = FakeNas::kUser;
  e.password = FakeNas::kPassword;
  e.connect_timeout_ms = 2000;
  e.timeout_ms = 3000;
  return e;
}

json errorBody(int code) { return {{"error", {{"code", code}}}, {"success", false}}; }
json okBody(json data) { return {{"data", std::move(data)}, {"success", true}}; }

bool is(const SeenRequest& r, const std::string& api, const std::string& method) {
  return r.field("api") == api && r.field("method") == method;
}

// Answers SYNO.DSM.Info getinfo with the DSM 7 fixture.
bool answerGetinfo(const SeenRequest& r, httplib::Response& res) {
  if (!is(r, "SYNO.DSM.Info", "getinfo")) return false;
  res.set_content(puq::dsm::test::fixture("dsm.info.getinfo.dsm7.json"), "application/json");
  return true;
}

template <typename F>
DsmError captureDsmError(F&& f) {
  try {
    f();
  } catch (const DsmError& e) {
    return e;
  }
  FAIL("expected a DsmError");
  return DsmError("none", "none");
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("login: Auth version from Info, POST form, credentials only in the body", "[dsm][wire]") {
  FakeNas nas;
  nas.setHandler(answerGetinfo);
  HttpClient client(endpointFor(nas));
  const DsmInfo info = client.info();
  CHECK(info.model == "DS918+");
  CHECK(info.version == "24922");
  CHECK(info.version_string == "DSM 7.0-41222");
  CHECK(info.major == 7);
  CHECK(info.minor == 0);
  CHECK(info.ram_mb == 4096);

  const auto requests = nas.requests();
  REQUIRE(requests.size() == 3);
  CHECK(is(requests[0], "SYNO.API.Info", "query"));
  CHECK(requests[0].path == "/webapi/query.cgi");
  CHECK(requests[0].field("query") == "all");

  const SeenRequest& login = requests[1];
  CHECK(is(login, "SYNO.API.Auth", "login"));
  CHECK(login.path == "/webapi/entry.cgi");  // Auth's path in the DSM 7 Info
  CHECK(login.field("version") == "7");
  CHECK(login.field("account") == FakeNas::kUser);  // Auth takes raw values
  CHECK(login.field("passwd") == FakeNas::kPassword);
  CHECK(login.field("session") == "puqSynology");
  CHECK(login.field("format") == "sid");
  CHECK(login.field("enable_syno_token") == "yes");

  const SeenRequest& getinfo = requests[2];
  CHECK(getinfo.field("version") == "2");
  CHECK(getinfo.field("_sid") == FakeNas::kSid);
  CHECK(getinfo.field("SynoToken") == FakeNas::kToken);
  auto token = getinfo.headers.find("X-SYNO-TOKEN");
  REQUIRE(token != getinfo.headers.end());
  CHECK(token->second == FakeNas::kToken);

  for (const auto& r : requests) {
    INFO(r.target);
    CHECK(r.http_method == "POST");
    CHECK(r.target == r.path);  // nothing in the URL: no query string at all
    CHECK_FALSE(contains(r.target, FakeNas::kPassword));
    auto type = r.headers.find("Content-Type");
    REQUIRE(type != r.headers.end());
    CHECK(type->second == "application/x-www-form-urlencoded");
  }
}

TEST_CASE("values are JSON-encoded; api, method and version stay raw", "[dsm][wire]") {
  FakeNas nas;
  nas.setHandler([](const SeenRequest& r, httplib::Response& res) {
    if (!is(r, "SYNO.Core.User", "create")) return false;
    FakeNas::reply(res, okBody({{"name", "123"}, {"uid", 1031}}));
    return true;
  });
  HttpClient client(endpointFor(nas));
  const User user = client.createUser({"123", "true", "a&b=c \"quoted\"", ""});
  CHECK(user.name == "123");
  CHECK(user.uid == 1031);
  CHECK(user.expired == "normal");

  const auto requests = nas.requests();
  const SeenRequest& create = requests.back();
  REQUIRE(is(create, "SYNO.Core.User", "create"));
  CHECK(create.field("api") == "SYNO.Core.User");
  CHECK(create.field("version") == "1");
  CHECK(create.field("name") == "\"123\"");       // a string, not the number 123
  CHECK(create.field("password") == "\"true\"");  // a string, not the boolean
  CHECK(create.field("description") == R"("a&b=c \"quoted\"")");
  CHECK(create.field("email") == "\"\"");
  CHECK(create.field("expired") == "\"normal\"");
  CHECK(create.field("cannot_chg_passwd") == "false");
  CHECK(create.field("passwd_never_expire") == "true");
  CHECK(create.field("notify_by_email") == "false");
  CHECK(create.field("send_password") == "false");
  CHECK(contains(create.body, "name=%22123%22"));
  CHECK(contains(create.body, "api=SYNO.Core.User&version=1&method=create"));
}

TEST_CASE("discovery falls back to entry.cgi when query.cgi answers 404", "[dsm][wire]") {
  FakeNas nas;
  nas.setHandler([](const SeenRequest& r, httplib::Response& res) {
    if (r.path == "/webapi/query.cgi") {
      res.status = 404;
      res.set_content("Not Found", "text/plain");
      return true;
    }
    return answerGetinfo(r, res);
  });
  HttpClient client(endpointFor(nas));
  CHECK(client.info().model == "DS918+");
  const auto requests = nas.requests();
  REQUIRE(requests.size() >= 2);
  CHECK(requests[0].path == "/webapi/query.cgi");
  CHECK(requests[1].path == "/webapi/entry.cgi");
  CHECK(is(requests[1], "SYNO.API.Info", "query"));
}

TEST_CASE("discovery falls back to entry.cgi when query.cgi answers HTML", "[dsm][wire]") {
  FakeNas nas;
  nas.setHandler([](const SeenRequest& r, httplib::Response& res) {
    if (r.path == "/webapi/query.cgi") {
      res.set_content("<html><body>Web Station</body></html>", "text/html");
      return true;
    }
    return answerGetinfo(r, res);
  });
  HttpClient client(endpointFor(nas));
  CHECK(client.info().major == 7);
  CHECK(nas.count("SYNO.API.Info", "query") == 2);
}

TEST_CASE("an HTML answer is dsm_protocol: not DSM", "[dsm][wire]") {
  FakeNas nas;
  nas.setHandler([](const SeenRequest&, httplib::Response& res) {
    res.set_content("<!DOCTYPE html><html>router login</html>", "text/html");
    return true;
  });
  HttpClient client(endpointFor(nas));
  const DsmError e = captureDsmError([&] { client.info(); });
  CHECK(e.code() == "dsm_protocol");
  CHECK(contains(e.what(), "this does not look like DSM: wrong port or SSL setting?"));
  CHECK(contains(e.what(), "HTML"));
}

TEST_CASE("an HTTP 5xx answer is dsm_unreachable", "[dsm][wire]") {
  FakeNas nas;
  nas.setHandler([](const SeenRequest& r, httplib::Response& res) {
    if (!is(r, "SYNO.DSM.Info", "getinfo")) return false;
    res.status = 503;
    return true;
  });
  HttpClient client(endpointFor(nas));
  CHECK(captureDsmError([&] { client.info(); }).code() == "dsm_unreachable");
}

TEST_CASE("DSM 6 Info: login on auth.cgi with Auth v6", "[dsm][wire]") {
  FakeNas nas;
  nas.setInfo(json::parse(puq::dsm::test::fixture("api.info.query.dsm6.subset.json")));
  nas.setHandler(answerGetinfo);
  HttpClient client(endpointFor(nas));
  client.info();
  const auto requests = nas.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[1].path == "/webapi/auth.cgi");
  CHECK(requests[1].field("version") == "6");
}

TEST_CASE("an API or version the NAS does not offer is a clear error", "[dsm][wire]") {
  FakeNas nas;
  json info = json::parse(puq::dsm::test::fixture("api.info.query.dsm7.subset.json"));
  info["data"].erase("SYNO.Core.User.PasswordPolicy");
  info["data"].erase("SYNO.Core.Quota");
  info["data"]["SYNO.Core.User"]["minVersion"] = 2;
  info["data"]["SYNO.Core.User"]["maxVersion"] = 3;
  nas.setInfo(info);
  HttpClient client(endpointFor(nas));

  CHECK_FALSE(client.passwordPolicy().present);
  CHECK(nas.count("SYNO.Core.User.PasswordPolicy", "get") == 0);

  const DsmError quota = captureDsmError([&] { client.usage({"a"}); });
  CHECK(quota.code() == "dsm_api");
  CHECK(contains(quota.what(), "does not offer the DSM API SYNO.Core.Quota"));

  const DsmError version = captureDsmError([&] { client.listUsers(); });
  CHECK(version.code() == "dsm_api");
  CHECK(contains(version.what(), "SYNO.Core.User in versions 2 to 3"));
}

TEST_CASE("auth errors map to dsm_auth and dsm_otp", "[dsm][wire]") {
  FakeNas nas;
  int code = 0;
  nas.setHandler([&](const SeenRequest& r, httplib::Response& res) {
    if (!is(r, "SYNO.API.Auth", "login")) return false;
    FakeNas::reply(res, errorBody(code));
    return true;
  });
  for (auto [dsm_code, expected] : {std::pair<int, const char*>{400, "dsm_auth"},
                                    {401, "dsm_auth"},
                                    {403, "dsm_otp"},
                                    {406, "dsm_otp"},
                                    {407, "dsm_auth"},
                                    {410, "dsm_auth"}}) {
    code = dsm_code;
    HttpClient client(endpointFor(nas));
    const DsmError e = captureDsmError([&] { client.listUsers(); });
    INFO(dsm_code << ": " << e.what());
    CHECK(e.code() == expected);
    CHECK(e.dsmCode() == dsm_code);
  }
}

TEST_CASE("wrong password: dsm_auth, and concurrent callers share one failed login", "[dsm][wire]") {
  FakeNas nas;
  nas.setHandler([](const SeenRequest& r, httplib::Response&) {
    if (is(r, "SYNO.API.Auth", "login")) std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return false;  // default: 400 for a wrong password
  });
  Endpoint e = endpointFor(nas);
  e.password = "wrong-password";
  HttpClient client(e);
  REQUIRE(client.hasApi("SYNO.Core.User"));  // discovery done before the race

  std::vector<std::thread> threads;
  std::vector<std::string> codes(4);
  for (size_t i = 0; i < codes.size(); ++i) {
    threads.emplace_back([&, i] {
      try {
        client.listUsers();
      } catch (const DsmError& err) {
        codes[i] = err.code();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& c : codes) CHECK(c == "dsm_auth");
  CHECK(nas.logins() == 1);
}

TEST_CASE("a lost session (119) means one re-login and one retry", "[dsm][wire]") {
  FakeNas nas;
  int lists = 0;
  bool always_lost = false;
  nas.setHandler([&](const SeenRequest& r, httplib::Response& res) {
    if (!is(r, "SYNO.Core.User", "list")) return false;
    if (++lists == 1 || always_lost) {
      FakeNas::reply(res, errorBody(119));
    } else {
      FakeNas::reply(res, okBody({{"users", json::array({{{"name", "bob"}, {"uid", 1030}}})}}));
    }
    return true;
  });
  HttpClient client(endpointFor(nas));
  const auto users = client.listUsers();
  REQUIRE(users.size() == 1);
  CHECK(users[0].name == "bob");
  CHECK(users[0].uid == 1030);
  CHECK(nas.logins() == 2);
  CHECK(lists == 2);

  SECTION("never more than one re-login per call") {
    always_lost = true;
    const DsmError e = captureDsmError([&] { client.listUsers(); });
    CHECK(e.code() == "dsm_api");
    CHECK(e.dsmCode() == 119);
    CHECK(nas.logins() == 3);
    CHECK(lists == 4);
  }
}

TEST_CASE("isAdministrator: a list with limit 1, 105 means no", "[dsm][wire]") {
  FakeNas nas;
  nas.setHandler([](const SeenRequest& r, httplib::Response& res) {
    if (!is(r, "SYNO.Core.User", "list")) return false;
    FakeNas::reply(res, errorBody(105));
    return true;
  });
  HttpClient client(endpointFor(nas));
  CHECK_FALSE(client.isAdministrator());
  CHECK(nas.requests().back().field("limit") == "1");
}

TEST_CASE("deleteUser: Deleted, NotFound, and a false 3106 confirmed by list", "[dsm][wire]") {
  FakeNas nas;
  std::vector<std::string> existing{"Bob"};
  bool get_lies = false;
  nas.setHandler([&](const SeenRequest& r, httplib::Response& res) {
    if (is(r, "SYNO.Core.User", "get")) {
      const std::string name = json::parse(r.field("name")).get<std::string>();
      const bool found = !get_lies && std::find(existing.begin(), existing.end(), name) != existing.end();
      FakeNas::reply(res,
                     found ? okBody({{"users", json::array({{{"name", name}, {"uid", 1030}}})}}) : errorBody(3106));
      return true;
    }
    if (is(r, "SYNO.Core.User", "list")) {
      json users = json::array();
      for (const auto& n : existing) users.push_back({{"name", n}});
      FakeNas::reply(res, okBody({{"users", users}, {"total", users.size()}}));
      return true;
    }
    if (is(r, "SYNO.Core.User", "delete")) {
      const json names = json::parse(r.field("name"));
      for (const auto& n : names) existing.erase(std::remove(existing.begin(), existing.end(), n), existing.end());
      FakeNas::reply(res, okBody({{"errors", json::array({3102})}}));
      return true;
    }
    return false;
  });
  HttpClient client(endpointFor(nas));

  SECTION("an existing user is Deleted, then NotFound without a delete call") {
    CHECK(client.deleteUser("Bob") == DeleteResult::Deleted);
    CHECK(existing.empty());
    CHECK(client.deleteUser("Bob") == DeleteResult::NotFound);
    CHECK(nas.count("SYNO.Core.User", "delete") == 1);
  }
  SECTION("get answers a false 3106: the list finds the user, whose exact name is deleted") {
    get_lies = true;
    CHECK(client.deleteUser("bob") == DeleteResult::Deleted);
    CHECK(existing.empty());
    const auto requests = nas.requests();
    CHECK(requests.back().field("name") == R"(["Bob"])");
  }
}

TEST_CASE("addGroupMembers reads back and refuses a silent no-op", "[dsm][wire]") {
  FakeNas nas;
  nas.setHandler([](const SeenRequest& r, httplib::Response& res) {
    if (is(r, "SYNO.Core.Group.Member", "add")) {
      FakeNas::reply(res, okBody(json::object()));  // success, but nothing happens
      return true;
    }
    if (is(r, "SYNO.Core.Group.Member", "list")) {
      FakeNas::reply(res, okBody({{"users", json::array({{{"name", "alice"}}})}, {"total", 1}}));
      return true;
    }
    return false;
  });
  HttpClient client(endpointFor(nas));
  const DsmError e = captureDsmError([&] { client.addGroupMembers("customers", {"alice", "bob"}); });
  CHECK(e.code() == "dsm_api");
  CHECK(contains(e.what(), "bob are still not members of the group 'customers'"));
  const auto requests = nas.requests();
  auto add = std::find_if(requests.begin(), requests.end(),
                          [](const SeenRequest& r) { return is(r, "SYNO.Core.Group.Member", "add"); });
  REQUIRE(add != requests.end());
  CHECK(add->field("group") == "\"customers\"");
  CHECK(add->field("name") == R"(["alice","bob"])");
}

TEST_CASE("usage: compound envelope, batches, quota rules, per-user errors, input order", "[dsm][wire]") {
  FakeNas nas;
  std::mutex concurrency_mutex;
  int in_flight = 0;
  int max_in_flight = 0;
  nas.setHandler([&](const SeenRequest& r, httplib::Response& res) {
    if (!is(r, "SYNO.Entry.Request", "request")) return false;
    {
      std::lock_guard<std::mutex> lock(concurrency_mutex);
      max_in_flight = std::max(max_in_flight, ++in_flight);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(60));  // let the batches overlap
    {
      std::lock_guard<std::mutex> lock(concurrency_mutex);
      --in_flight;
    }
    const json compound = json::parse(r.field("compound"));
    json result = json::array();
    for (const json& sub : compound) {
      const std::string name = sub["name"];
      json entry = {{"api", "SYNO.Core.Quota"}, {"method", "get"}, {"version", 1}};
      if (name == "ghost") {
        entry["success"] = false;
        entry["error"] = {{"code", 3106}};
      } else if (name == "homes-set") {
        entry["success"] = true;
        entry["data"] = {{"user_quota",
                          json::array({{{"volume", "/volume1"},
                                        {"shares", json::array({{{"name", "homes"}, {"quota", 1000}, {"used", 10}},
                                                                {{"name", "media"}, {"quota", 5000}, {"used", 5.5}}})}},
                                       {{"volume", "/volume2"},
                                        {"shares", json::array({{{"name", "backup"}, {"quota", 0}, {"used", 4}}})}}})}};
      } else {
        entry["success"] = true;
        entry["data"] = {
            {"user_quota", json::array({{{"volume", "/volume1"},
                                         {"shares", json::array({{{"name", "homes"}, {"quota", 0}, {"used", 1}},
                                                                 {{"name", "a"}, {"quota", 2000}, {"used", 2}},
                                                                 {{"name", "b"}, {"quota", 3000}, {"used", 3}}})}}})}};
      }
      result.push_back(entry);
    }
    FakeNas::reply(res, okBody({{"result", result}}));
    return true;
  });
  HttpClient client(endpointFor(nas));
  CallRecorder recorder;
  const auto usage = client.usage({"homes-set", "ghost", "max-share", "x4", "x5"}, 2, 2);
  REQUIRE(usage.size() == 5);
  CHECK(usage[0].name == "homes-set");
  CHECK(usage[0].found);
  CHECK(usage[0].used_mb == Approx(19.5));
  CHECK(usage[0].quota_mb == Approx(1000));
  CHECK(usage[1].name == "ghost");
  CHECK_FALSE(usage[1].found);
  CHECK(usage[1].error_code == 3106);
  CHECK(usage[2].name == "max-share");
  CHECK(usage[2].used_mb == Approx(6));
  CHECK(usage[2].quota_mb == Approx(3000));
  CHECK(usage[4].name == "x5");
  CHECK(nas.count("SYNO.Entry.Request", "request") == 3);
  CHECK(max_in_flight == 2);  // two workers, never more
  // The envelope as sent (checked here: Catch assertions are not thread-safe inside the server).
  for (const auto& r : nas.requests()) {
    if (!is(r, "SYNO.Entry.Request", "request")) continue;
    CHECK(r.field("mode") == "\"parallel\"");
    CHECK(r.field("stop_when_error") == "false");
    const json compound = json::parse(r.field("compound"));
    CHECK(compound.size() <= 2);
    for (const json& sub : compound) {
      CHECK(sub["api"] == "SYNO.Core.Quota");
      CHECK(sub["method"] == "get");
      CHECK(sub["version"] == 1);
      CHECK(sub["support_share_quota"] == true);
    }
  }
  // Records made on the worker threads reach the caller's recorder.
  size_t compound_records = 0;
  for (const auto& r : recorder.records()) compound_records += r.api == "SYNO.Entry.Request";
  CHECK(compound_records == 3);
}

TEST_CASE("CallRecorder gets every request, with secrets masked", "[dsm][wire][recorder]") {
  FakeNas nas;
  nas.setHandler([](const SeenRequest& r, httplib::Response& res) {
    if (is(r, "SYNO.Core.User", "set")) {
      // A (hypothetical) DSM echoing secrets back must not leak them either.
      FakeNas::reply(res, okBody({{"name", "bob"}, {"note", std::string("sid was ") + FakeNas::kSid}}));
      return true;
    }
    return answerGetinfo(r, res);
  });
  HttpClient client(endpointFor(nas));
  CallRecorder recorder;
  client.info();
  client.setUserPassword("bob", "N3w-Secret-99");
  client.logout();

  const auto& records = recorder.records();
  REQUIRE(records.size() == 5);  // Info, login, getinfo, set, logout
  CHECK(records[0].api == "SYNO.API.Info");
  CHECK(records[1].api == "SYNO.API.Auth");
  CHECK(records[1].method == "login");
  CHECK(records[1].version == 7);
  CHECK(records[1].http_status == 200);
  CHECK(contains(records[1].request, "passwd=********"));
  CHECK(contains(records[1].request, "account=admin1"));
  CHECK(contains(records[1].response, R"("sid":"********")"));
  CHECK(contains(records[3].request, "password=********"));
  CHECK(records[4].method == "logout");
  for (const auto& r : records) {
    INFO(r.api << " " << r.method << "\n" << r.request << "\n" << r.response);
    for (const char* secret : {FakeNas::kPassword, FakeNas::kSid, FakeNas::kToken, "N3w-Secret-99"}) {
      CHECK_FALSE(contains(r.request, secret));
      CHECK_FALSE(contains(r.response, secret));
    }
    CHECK(r.elapsed_ms >= 0);
    CHECK(r.response.size() <= 4096);
  }
}

TEST_CASE("logout sends the session name and sid, and never throws", "[dsm][wire]") {
  FakeNas nas;
  nas.setHandler(answerGetinfo);
  HttpClient client(endpointFor(nas));
  client.info();
  client.logout();
  const auto requests = nas.requests();
  const SeenRequest& logout = requests.back();
  CHECK(is(logout, "SYNO.API.Auth", "logout"));
  CHECK(logout.field("version") == "7");
  CHECK(logout.field("session") == "puqSynology");
  CHECK(logout.field("_sid") == FakeNas::kSid);
  client.logout();  // no session any more: nothing sent
  CHECK(nas.requests().size() == requests.size());
  // The next call logs in again.
  client.info();
  CHECK(nas.logins() == 2);

  Endpoint dead = endpointFor(nas);
  dead.port = puq::dsm::test::closedPort();
  HttpClient unreachable(dead);
  unreachable.logout();  // nothing to do, nothing thrown
}

TEST_CASE("keep-alive: sequential calls reuse one connection", "[dsm][wire]") {
  FakeNas nas;
  nas.setHandler(answerGetinfo);
  HttpClient client(endpointFor(nas));
  client.info();
  client.info();
  client.info();
  const auto requests = nas.requests();
  REQUIRE(requests.size() == 5);
  CHECK(requests[2].remote_port == requests[3].remote_port);
  CHECK(requests[3].remote_port == requests[4].remote_port);
}

TEST_CASE("transport errors: refused, timeout", "[dsm][wire][transport]") {
  SECTION("connection refused is dsm_unreachable") {
    Endpoint e;
    e.host = "127.0.0.1";
    e.port = puq::dsm::test::closedPort();
    e.https = false;
    HttpClient client(e);
    const DsmError err = captureDsmError([&] { client.info(); });
    CHECK(err.code() == "dsm_unreachable");
    CHECK(contains(err.what(), "Cannot reach the NAS at http://127.0.0.1:" + std::to_string(e.port) + ": "));
    CHECK(contains(err.what(), "Check the hostname and port of the server in WHMCS."));
  }
  SECTION("no answer within timeout_ms is dsm_timeout") {
    FakeNas nas;
    nas.setHandler([](const SeenRequest& r, httplib::Response& res) {
      if (!is(r, "SYNO.DSM.Info", "getinfo")) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1200));
      return answerGetinfo(r, res);
    });
    Endpoint e = endpointFor(nas);
    e.timeout_ms = 400;
    HttpClient client(e);
    const auto start = std::chrono::steady_clock::now();
    const DsmError err = captureDsmError([&] { client.info(); });
    CHECK(err.code() == "dsm_timeout");
    // A read is tried three times: 3 x 400 ms + 200 + 800 ms backoff, not 3 x 1200 ms.
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(2900));
    CHECK(nas.count("SYNO.DSM.Info", "getinfo") == 3);
  }
}

TEST_CASE("TLS: verification on by default, CA file, opt-out, hostname check", "[dsm][wire][tls]") {
  static const auto cert = puq::dsm::test::makeSelfSignedCertificate({"localhost"}, {"127.0.0.1"});
  FakeNas nas(&cert);
  nas.setHandler(answerGetinfo);

  SECTION("a self-signed certificate is dsm_tls with the opt-out hint") {
    HttpClient client(endpointFor(nas, true));
    const DsmError err = captureDsmError([&] { client.info(); });
    CHECK(err.code() == "dsm_tls");
    CHECK(contains(err.what(), "not trusted"));
    CHECK(contains(err.what(), "verify_tls=0"));
    CHECK(contains(err.what(), "Access Hash"));
    CHECK(nas.requests().empty());  // nothing, credentials least of all, went over the wire
  }
  SECTION("ca_file makes it trusted") {
    Endpoint e = endpointFor(nas, true);
    e.ca_file = cert.cert_path;
    HttpClient client(e);
    CHECK(client.info().model == "DS918+");
  }
  SECTION("verify_tls=false works for this endpoint only") {
    Endpoint e = endpointFor(nas, true);
    e.verify_tls = false;
    HttpClient client(e);
    CHECK(client.info().model == "DS918+");
    HttpClient strict(endpointFor(nas, true));
    CHECK(captureDsmError([&] { strict.info(); }).code() == "dsm_tls");
  }
  SECTION("a trusted certificate for another name fails the hostname check") {
    static const auto other = puq::dsm::test::makeSelfSignedCertificate({"other.example"}, {});
    FakeNas wrong_name(&other);
    Endpoint e = endpointFor(wrong_name, true);
    e.ca_file = other.cert_path;
    HttpClient client(e);
    const DsmError err = captureDsmError([&] { client.info(); });
    CHECK(err.code() == "dsm_tls");
    CHECK(contains(err.what(), "not issued for the name 127.0.0.1"));
  }
  SECTION("an unreadable CA file is dsm_tls naming the file") {
    Endpoint e = endpointFor(nas, true);
    e.ca_file = "/nonexistent/ca.pem";
    HttpClient client(e);
    const DsmError err = captureDsmError([&] { client.info(); });
    CHECK(err.code() == "dsm_tls");
    CHECK(contains(err.what(), "/nonexistent/ca.pem"));
  }
  SECTION("plain HTTP to the HTTPS port is dsm_protocol") {
    HttpClient client(endpointFor(nas, false));
    const DsmError err = captureDsmError([&] { client.info(); });
    CHECK(err.code() == "dsm_protocol");
    CHECK(contains(err.what(), "wrong port or SSL setting?"));
  }
}

TEST_CASE("HTTPS to a plain HTTP port is a TLS handshake error", "[dsm][wire][tls]") {
  FakeNas nas;
  HttpClient client(endpointFor(nas, true));
  const DsmError err = captureDsmError([&] { client.info(); });
  CHECK(err.code() == "dsm_tls");
  CHECK(contains(err.what(), "HTTPS port"));
}

TEST_CASE("debug logs name each call but never a secret", "[dsm][wire][log]") {
  // Capture the default logger for the duration of the test.
  struct CapturedLog {
    std::ostringstream text;
    std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
    CapturedLog() {
      auto logger = std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(text));
      logger->set_level(spdlog::level::debug);
      spdlog::set_default_logger(logger);
    }
    ~CapturedLog() { spdlog::set_default_logger(previous); }
  } log;

  FakeNas nas;
  bool lose_session = true;
  nas.setHandler([&](const SeenRequest& r, httplib::Response& res) {
    if (is(r, "SYNO.Core.User", "set") && lose_session) {
      lose_session = false;
      FakeNas::reply(res, errorBody(119));
      return true;
    }
    return answerGetinfo(r, res);
  });
  HttpClient client(endpointFor(nas));
  client.info();
  client.setUserPassword("bob", "N3w-Secret-99");
  client.logout();
  Endpoint wrong = endpointFor(nas);
  wrong.password = "Wr0ng-Passw0rd";
  HttpClient rejected(wrong);
  CHECK_THROWS_AS(rejected.info(), DsmError);

  const std::string text = log.text.str();
  CHECK(contains(text, "SYNO.API.Auth login v7"));
  CHECK(contains(text, "SYNO.Core.User set v1"));
  CHECK(contains(text, "ms"));
  for (const char* secret : {FakeNas::kPassword, FakeNas::kSid, FakeNas::kToken, "N3w-Secret-99", "Wr0ng-Passw0rd"}) {
    CHECK_FALSE(contains(text, secret));
  }
}
