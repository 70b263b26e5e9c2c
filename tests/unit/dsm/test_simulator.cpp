// HttpClient against the real DSM simulator, in process: the user and group life, usage in compound
// batches, session expiry and single-flight re-login, permissions, TLS and transport errors.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "fake_nas.hpp"
#include "puq/dsm/http_client.hpp"
#include "puq/sim/simulator.hpp"

using namespace puq::dsm;
using nlohmann::json;

namespace {

constexpr const char* kAdmin = "puqadmin";
constexpr const char* kAdminPassword = "Adm1n-Passw0rd";

class SimNas {
 public:
  SimNas() : sim_(options()) { sim_.start(); }

  static puq::sim::Options options() {
    puq::sim::Options o;
    o.http_port = 0;
    o.https_port = 0;
    o.admin_user = kAdmin;
    o.admin_password = kAdminPassword;
    o.threads = 12;
    return o;
  }

  puq::sim::Simulator& sim() { return sim_; }

  Endpoint endpoint(bool https = false) {
    Endpoint e;
    e.host = "127.0.0.1";
    e.https = https;
    e.port = https ? sim_.httpsPort() : sim_.httpPort();
    e.username = kAdmin;
    e.password = kAdminPassword;
    e.connect_timeout_ms = 2000;
    e.timeout_ms = 5000;
    return e;
  }

  json control(const std::string& path, const json& body = json::object()) {
    httplib::Client http("127.0.0.1", sim_.httpPort());
    auto res = http.Post(path.c_str(), body.dump(), "application/json");
    REQUIRE(res);
    INFO(path << ": " << res->body);
    REQUIRE(res->status == 200);
    return json::parse(res->body);
  }

  json stats() {
    httplib::Client http("127.0.0.1", sim_.httpPort());
    auto res = http.Get("/control/stats");
    REQUIRE(res);
    return json::parse(res->body);
  }

 private:
  puq::sim::Simulator sim_;
};

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

const User* findUser(const std::vector<User>& users, const std::string& name) {
  for (const auto& u : users) {
    if (u.name == name) return &u;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("sim: login with Auth v7 and getinfo", "[dsm][sim]") {
  SimNas nas;
  HttpClient client(nas.endpoint());
  const DsmInfo info = client.info();
  CHECK(info.model == "DS918+");
  CHECK(info.version_string == "DSM 7.2.1-69057 Update 6");
  CHECK(info.major == 7);
  CHECK(info.minor == 2);
  CHECK(client.isAdministrator());
  CHECK(nas.stats()["logins"] == 1);
}

TEST_CASE("sim: the life of a user", "[dsm][sim]") {
  SimNas nas;
  HttpClient client(nas.endpoint());

  const User created = client.createUser({"alice", "Wh1te-Rabbit-42", "WHMCS service #12", "alice@example.com"});
  CHECK(created.name == "alice");
  CHECK(created.uid >= 1026);

  auto fetched = client.getUser("alice");
  REQUIRE(fetched);
  CHECK(fetched->uid == created.uid);
  CHECK(fetched->description == "WHMCS service #12");
  CHECK(fetched->email == "alice@example.com");
  CHECK(fetched->expired == "normal");

  const auto users = client.listUsers();
  const User* listed = findUser(users, "alice");
  REQUIRE(listed);
  CHECK(listed->uid == created.uid);
  CHECK(findUser(users, kAdmin) != nullptr);

  CHECK(captureDsmError([&] { client.createUser({"alice", "Wh1te-Rabbit-42", "", ""}); }).code() == "dsm_user_exists");

  client.setUserExpired("alice", "now");
  CHECK(client.getUser("alice")->expired == "now");
  client.setUserExpired("alice", "normal");
  CHECK(client.getUser("alice")->expired == "normal");

  client.setUserPassword("alice", "Bl4ck-Rabbit-43");
  Endpoint as_alice = nas.endpoint();
  as_alice.username = "alice";
  as_alice.password = "Bl4ck-Rabbit-43";
  HttpClient alice(as_alice);
  CHECK(alice.info().major == 7);  // the new password logs in (DSM.Info is open to non-admins)

  CHECK(client.deleteUser("alice") == DeleteResult::Deleted);
  CHECK(client.deleteUser("alice") == DeleteResult::NotFound);
  CHECK_FALSE(client.getUser("alice"));
  CHECK(findUser(client.listUsers(), "alice") == nullptr);
}

TEST_CASE("sim: a weak password is a dsm_api error naming the policy", "[dsm][sim]") {
  SimNas nas;
  HttpClient client(nas.endpoint());
  const DsmError e = captureDsmError([&] { client.createUser({"weakling", "abc", "", ""}); });
  CHECK(e.code() == "dsm_api");
  CHECK(contains(e.what(), "password policy"));
  CHECK(contains(e.what(), "SYNO.Core.User create"));
}

TEST_CASE("sim: groups, members and a user's groups", "[dsm][sim]") {
  SimNas nas;
  nas.control("/control/groups", {{"groups", json::array({{{"name", "customers"}, {"description", "WHMCS"}},
                                                          {{"name", "beta"}, {"description", "testers"}}})}});
  HttpClient client(nas.endpoint());

  const auto groups = client.listGroups();
  REQUIRE(groups.size() >= 2);
  CHECK(std::is_sorted(groups.begin(), groups.end(), [](const Group& a, const Group& b) { return a.name < b.name; }));
  auto customers = std::find_if(groups.begin(), groups.end(), [](const Group& g) { return g.name == "customers"; });
  REQUIRE(customers != groups.end());
  CHECK(customers->description == "WHMCS");

  client.createUser({"bob", "Gr33n-Apple-7", "", ""});
  client.addGroupMembers("customers", {"bob"});
  const auto members = client.listGroupMembers("customers");
  CHECK(std::find(members.begin(), members.end(), "bob") != members.end());
  const auto bob_groups = client.userGroups("bob");
  CHECK(std::find(bob_groups.begin(), bob_groups.end(), "customers") != bob_groups.end());
  CHECK(std::find(bob_groups.begin(), bob_groups.end(), "users") != bob_groups.end());

  client.removeGroupMembers("customers", {"bob"});
  const auto after = client.listGroupMembers("customers");
  CHECK(std::find(after.begin(), after.end(), "bob") == after.end());

  const DsmError missing = captureDsmError([&] { client.listGroupMembers("no-such-group"); });
  CHECK(missing.code() == "dsm_api");
  CHECK(missing.dsmCode() == 3205);
}

TEST_CASE("sim: password policy and home service", "[dsm][sim]") {
  SimNas nas;
  HttpClient client(nas.endpoint());
  const PasswordPolicy policy = client.passwordPolicy();
  CHECK(policy.present);
  CHECK(policy.min_length_enable);
  CHECK(policy.min_length == 8);
  CHECK(policy.mixed_case);
  CHECK(policy.included_numeric_char);
  CHECK_FALSE(policy.included_special_char);
  CHECK(policy.exclude_username);

  client.enableHomeService("/volume1");
  const HomeService home = client.homeService();
  CHECK(home.enable);
  CHECK(home.location == "/volume1");
}

TEST_CASE("sim: usage of 120 users in 3 compound requests", "[dsm][sim][usage]") {
  SimNas nas;
  json users = json::array();
  std::vector<std::string> names;
  for (int i = 1; i < 120; ++i) {
    const std::string name = "cust" + std::to_string(i);
    names.push_back(name);
    users.push_back({{"name", name}, {"password", "Cust-Passw0rd-1"}, {"used_mb", i * 10}, {"quota_mb", 1000 + i}});
  }
  names.insert(names.begin() + 60, "ghost");  // not on the NAS
  nas.control("/control/users", {{"users", users}});
  const json before = nas.stats();

  HttpClient client(nas.endpoint());
  const auto usage = client.usage(names, 50, 2);

  const json after = nas.stats();
  // Discovery + login + exactly 3 compound requests.
  CHECK(after["requests"].get<int>() - before["requests"].get<int>() == 5);
  CHECK(after["logins"].get<int>() - before["logins"].get<int>() == 1);
  CHECK(after["subrequests"].get<int>() - before["subrequests"].get<int>() == 120);

  REQUIRE(usage.size() == 120);
  for (size_t i = 0; i < names.size(); ++i) {
    INFO(names[i]);
    CHECK(usage[i].name == names[i]);  // input order
    if (names[i] == "ghost") {
      CHECK_FALSE(usage[i].found);
      CHECK(usage[i].error_code == 3106);
      continue;
    }
    const int n = std::stoi(names[i].substr(4));
    CHECK(usage[i].found);
    CHECK(usage[i].used_mb == Approx(n * 10));
    CHECK(usage[i].quota_mb == Approx(1000 + n));
  }
}

TEST_CASE("sim: an expired session means exactly one re-login", "[dsm][sim][session]") {
  SimNas nas;
  HttpClient client(nas.endpoint());
  client.listUsers();
  nas.control("/control/faults", {{"expire_sessions", 119}});
  CHECK_FALSE(client.listUsers().empty());
  CHECK(nas.stats()["logins"] == 2);
}

TEST_CASE("sim: 8 threads after a session expiry share one re-login", "[dsm][sim][session]") {
  SimNas nas;
  HttpClient client(nas.endpoint());
  client.listUsers();
  nas.control("/control/faults", {{"expire_sessions", 119}});

  std::vector<std::thread> threads;
  std::vector<std::string> outcomes(8);  // Catch assertions are not thread-safe: check after join
  for (size_t i = 0; i < outcomes.size(); ++i) {
    threads.emplace_back([&, i] {
      try {
        outcomes[i] = client.listUsers().empty() ? "empty" : "ok";
      } catch (const std::exception& e) {
        outcomes[i] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& outcome : outcomes) CHECK(outcome == "ok");
  CHECK(nas.stats()["logins"] == 2);
}

TEST_CASE("sim: a session lost in the middle of usage is renewed once", "[dsm][sim][session]") {
  SimNas nas;
  nas.control("/control/usage",
              {{"generate", {{"prefix", "u"}, {"count", 100}, {"used_mb_min", 1}, {"used_mb_max", 9}}}});
  HttpClient client(nas.endpoint());
  client.listUsers();
  nas.control("/control/faults", {{"expire_sessions", 119}});
  std::vector<std::string> names;
  for (int i = 1; i <= 100; ++i) {
    std::string index = std::to_string(i);
    names.push_back("u" + std::string(4 - index.size(), '0') + index);
  }
  const auto usage = client.usage(names, 25, 3);
  CHECK(std::all_of(usage.begin(), usage.end(), [](const UserUsage& u) { return u.found; }));
  CHECK(nas.stats()["logins"] == 2);
}

TEST_CASE("sim: wrong password is dsm_auth", "[dsm][sim]") {
  SimNas nas;
  Endpoint e = nas.endpoint();
  e.password = "not-the-password";
  HttpClient client(e);
  const DsmError err = captureDsmError([&] { client.listUsers(); });
  CHECK(err.code() == "dsm_auth");
  CHECK(err.dsmCode() == 400);
  CHECK(contains(err.what(), "username and password of the server in WHMCS"));
  CHECK_FALSE(contains(err.what(), "not-the-password"));
}

TEST_CASE("sim: a non-administrator is told so", "[dsm][sim]") {
  SimNas nas;
  nas.control("/control/users",
              {{"users", json::array({{{"name", "carol"}, {"password", "Car0l-Passw0rd"}, {"admin", false}}})}});
  Endpoint e = nas.endpoint();
  e.username = "carol";
  e.password = "Car0l-Passw0rd";
  HttpClient client(e);
  CHECK_FALSE(client.isAdministrator());
  const DsmError err = captureDsmError([&] { client.createUser({"mallory", "Mall0ry-Passw0rd", "", ""}); });
  CHECK(err.code() == "dsm_permission");
  CHECK(contains(err.what(), "administrators group"));
}

TEST_CASE("sim: HTTPS certificate verification", "[dsm][sim][tls]") {
  SimNas nas;
  SECTION("verify on with the self-signed certificate: dsm_tls") {
    HttpClient client(nas.endpoint(true));
    const DsmError err = captureDsmError([&] { client.info(); });
    CHECK(err.code() == "dsm_tls");
    CHECK(contains(err.what(), "verify_tls=0"));
  }
  SECTION("ca_file = the simulator's certificate: works") {
    Endpoint e = nas.endpoint(true);
    e.ca_file = nas.sim().certificatePath();
    HttpClient client(e);
    CHECK(client.info().model == "DS918+");
    CHECK_FALSE(client.listUsers().empty());
  }
  SECTION("verify_tls=false: works") {
    Endpoint e = nas.endpoint(true);
    e.verify_tls = false;
    HttpClient client(e);
    CHECK(client.info().major == 7);
  }
  SECTION("plain HTTP to the HTTPS port: dsm_protocol") {
    Endpoint e = nas.endpoint(true);
    e.https = false;
    HttpClient client(e);
    CHECK(captureDsmError([&] { client.info(); }).code() == "dsm_protocol");
  }
}

TEST_CASE("sim: transport faults", "[dsm][sim][transport]") {
  SimNas nas;
  SECTION("a port nobody listens on: dsm_unreachable") {
    Endpoint e = nas.endpoint();
    e.port = puq::dsm::test::closedPort();
    HttpClient client(e);
    CHECK(captureDsmError([&] { client.info(); }).code() == "dsm_unreachable");
  }
  SECTION("a hang past the timeout: dsm_timeout") {
    Endpoint e = nas.endpoint();
    e.timeout_ms = 400;
    HttpClient client(e);
    client.listUsers();
    // Three hangs: the read and its two retries (test_read_retry.cpp) all time out.
    nas.control("/control/faults", {{"hang_ms", 1000}, {"count", 3}});
    const auto start = std::chrono::steady_clock::now();
    CHECK(captureDsmError([&] { client.listUsers(); }).code() == "dsm_timeout");
    // 3 x 400 ms timeout + 200 + 800 ms backoff, well under three full hangs.
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(2900));
  }
  SECTION("an answer that is not JSON: dsm_protocol") {
    HttpClient client(nas.endpoint());
    client.listUsers();
    nas.control("/control/faults", {{"not_json", 3}});  // the read and both retries
    CHECK(captureDsmError([&] { client.listUsers(); }).code() == "dsm_protocol");
    CHECK_FALSE(client.listUsers().empty());  // the next call is fine again
  }
  SECTION("an injected DSM error code is mapped by API") {
    HttpClient client(nas.endpoint());
    nas.control(
        "/control/faults",
        {{"fail", json::array({{{"api", "SYNO.Core.User"}, {"method", "get"}, {"code", 3106}, {"count", 1}}})}});
    CHECK_FALSE(client.getUser(kAdmin));
    CHECK(client.getUser(kAdmin));
  }
}

TEST_CASE("sim: CallRecorder records hold no password, sid or SynoToken", "[dsm][sim][recorder]") {
  SimNas nas;
  HttpClient client(nas.endpoint());
  CallRecorder recorder;
  client.createUser({"dave", "Bl0e-Sky-Lane-8", "", ""});
  client.setUserPassword("dave", "Re7-Sky-Lane-9");
  client.usage({"dave"});
  client.logout();

  const auto& records = recorder.records();
  REQUIRE(records.size() == 6);  // Info, login, create, set, compound, logout
  bool saw_masked_sid = false;
  for (const auto& r : records) {
    INFO(r.api << " " << r.method << "\n" << r.request << "\n" << r.response);
    CHECK(r.http_status == 200);
    for (const char* secret : {kAdminPassword, "Bl0e-Sky-Lane-8", "Re7-Sky-Lane-9"}) {
      CHECK_FALSE(contains(r.request, secret));
      CHECK_FALSE(contains(r.response, secret));
    }
    if (r.api == "SYNO.API.Auth" && r.method == "login") {
      CHECK(contains(r.response, R"("sid":"********")"));
      CHECK(contains(r.response, R"("synotoken":"********")"));
    }
    if (contains(r.request, "_sid=")) {
      saw_masked_sid = true;
      CHECK(contains(r.request, "_sid=********"));
      CHECK(contains(r.request, "SynoToken=********"));
    }
  }
  CHECK(saw_masked_sid);
}

TEST_CASE("sim: ClientPool with the HttpClient factory shares one login", "[dsm][sim][pool]") {
  SimNas nas;
  ClientPool pool(httpClientFactory());
  pool.get(nas.endpoint())->listUsers();
  pool.get(nas.endpoint())->listGroups();
  CHECK(nas.stats()["logins"] == 1);
  pool.logoutAll();
  httplib::Client http("127.0.0.1", nas.sim().httpPort());
  auto state = json::parse(http.Get("/control/state")->body);
  CHECK(state["sessions"] == 0);
}
