// Endpoint identity, describeDsmCode, CallRecorder scoping and ClientPool rules.
#include <catch2/catch.hpp>
#include <thread>

#include "puq/dsm/client.hpp"
#include "puq/dsm/errors.hpp"
#include "puq/dsm/http_client.hpp"

using namespace puq::dsm;

TEST_CASE("Endpoint baseUrl and sessionKey", "[dsm][endpoint]") {
  Endpoint e;
  e.host = "NAS.example.com";
  e.port = 5001;
  e.username = "admin";
  e.password = "pw-secret";
  CHECK(e.baseUrl() == "https://NAS.example.com:5001");
  CHECK(e.sessionKey() == "https://nas.example.com:5001/admin");
  CHECK(e.sessionKey().find("pw-secret") == std::string::npos);
  e.https = false;
  e.port = 5000;
  CHECK(e.baseUrl() == "http://NAS.example.com:5000");
  e.host = "fe80::1";
  CHECK(e.baseUrl() == "http://[fe80::1]:5000");
  Endpoint other = e;
  other.username = "someone";
  CHECK(other.sessionKey() != e.sessionKey());
}

TEST_CASE("describeDsmCode maps by API and code", "[dsm][errors]") {
  CHECK(describeDsmCode("SYNO.Core.User", 119).find("session") != std::string::npos);
  CHECK(describeDsmCode("SYNO.Core.User", 3106) == "no such user");
  CHECK(describeDsmCode("SYNO.Core.User", 3107) == "the user already exists");
  CHECK(describeDsmCode("SYNO.Core.Group.Member", 3205) == "no such group");
  CHECK(describeDsmCode("SYNO.API.Auth", 400) == "no such account or incorrect password");
  CHECK(describeDsmCode("SYNO.API.Auth", 407).find("blocked") != std::string::npos);
  // 400+ means something else outside Auth.
  CHECK(describeDsmCode("SYNO.FileStation.List", 400) != describeDsmCode("SYNO.API.Auth", 400));
  CHECK(describeDsmCode("SYNO.Core.Share", 407).find("407") != std::string::npos);
  CHECK(describeDsmCode("SYNO.Core.User", 105).find("administrator") != std::string::npos);
  CHECK(describeDsmCode("SYNO.Core.Quota", 5403).find("quota") != std::string::npos);
  CHECK(describeDsmCode("", 99999).find("99999") != std::string::npos);
}

TEST_CASE("HttpClient::errorFor gives the documented error codes", "[dsm][errors]") {
  Endpoint e;
  e.host = "nas";
  e.username = "whmcs";
  HttpClient client(e);
  auto check = [&](const std::string& api, int code, const std::string& expected, const std::string& text) {
    DsmError err = client.errorFor(api, "m", code);
    INFO(api << " " << code << ": " << err.what());
    CHECK(err.code() == expected);
    CHECK(err.dsmCode() == code);
    CHECK(err.api() == api);
    CHECK(std::string(err.what()).find(text) != std::string::npos);
    CHECK(std::string(err.what()).find(api) != std::string::npos);
  };
  check("SYNO.API.Auth", 400, "dsm_auth", "username and password of the server in WHMCS");
  check("SYNO.API.Auth", 401, "dsm_auth", "disabled");
  check("SYNO.API.Auth", 403, "dsm_otp", "2-step verification; use an account without it");
  check("SYNO.API.Auth", 406, "dsm_otp", "2-step verification");
  check("SYNO.API.Auth", 407, "dsm_auth", "blocks logins from this IP");
  check("SYNO.API.Auth", 409, "dsm_auth", "expired");
  check("SYNO.API.Auth", 411, "dsm_auth", "locked");
  check("SYNO.Core.User", 105, "dsm_permission", "administrators group");
  check("SYNO.Core.User", 3107, "dsm_user_exists", "already exists");
  check("SYNO.Core.Group", 3206, "dsm_api", "group already exists");
  check("SYNO.Core.User", 3106, "dsm_api", "no such user");
}

TEST_CASE("CallRecorder collects records of its own thread only", "[dsm][recorder]") {
  CallRecord r;
  r.api = "SYNO.Core.User";
  CallRecorder::record(r);  // no recorder open: dropped
  {
    CallRecorder recorder;
    CallRecorder::record(r);
    std::thread([&] { CallRecorder::record(r); }).join();  // other thread: not ours
    REQUIRE(recorder.records().size() == 1);
    CHECK(recorder.records()[0].api == "SYNO.Core.User");
  }
  CallRecorder later;
  CHECK(later.records().empty());
}

namespace {

// A Client that only counts logouts: enough for the pool rules.
class CountingClient : public Client {
 public:
  explicit CountingClient(Endpoint e) : endpoint_(std::move(e)) {}
  const Endpoint& endpoint() const override { return endpoint_; }
  DsmInfo info() override { return {}; }
  bool isAdministrator() override { return true; }
  std::vector<User> listUsers() override { return {}; }
  std::optional<User> getUser(const std::string&) override { return std::nullopt; }
  User createUser(const NewUser&) override { return {}; }
  DeleteResult deleteUser(const std::string&) override { return DeleteResult::NotFound; }
  void setUserExpired(const std::string&, const std::string&) override {}
  void setUserPassword(const std::string&, const std::string&) override {}
  PasswordPolicy passwordPolicy() override { return {}; }
  std::vector<Group> listGroups() override { return {}; }
  std::vector<std::string> listGroupMembers(const std::string&) override { return {}; }
  void addGroupMembers(const std::string&, const std::vector<std::string>&) override {}
  void removeGroupMembers(const std::string&, const std::vector<std::string>&) override {}
  std::vector<std::string> userGroups(const std::string&) override { return {}; }
  HomeService homeService() override { return {}; }
  void enableHomeService(const std::string&) override {}
  std::vector<UserUsage> usage(const std::vector<std::string>&, size_t, size_t) override { return {}; }
  nlohmann::json compound(const nlohmann::json&, bool, bool) override { return nlohmann::json::array(); }
  void logout() noexcept override { ++logouts; }
  int logouts = 0;

 private:
  Endpoint endpoint_;
};

}  // namespace

TEST_CASE("ClientPool shares one client per session key and replaces it on a password change", "[dsm][pool]") {
  int created = 0;
  ClientPool pool([&](const Endpoint& e) {
    ++created;
    return std::make_shared<CountingClient>(e);
  });
  Endpoint a;
  a.host = "nas1";
  a.username = "admin";
  a.password = "one";
  auto first = pool.get(a);
  CHECK(pool.get(a) == first);
  a.server_id = 7;  // not part of the identity
  CHECK(pool.get(a) == first);
  CHECK(created == 1);

  Endpoint b = a;
  b.host = "nas2";
  auto second = pool.get(b);
  CHECK(second != first);
  CHECK(pool.size() == 2);

  a.password = "two";
  auto replaced = pool.get(a);
  CHECK(replaced != first);
  CHECK(static_cast<CountingClient&>(*first).logouts == 1);  // the old session is ended
  CHECK(pool.size() == 2);
  CHECK(replaced->endpoint().password == "two");

  a.verify_tls = false;  // a TLS setting change needs new connections too
  CHECK(pool.get(a) != replaced);

  pool.logoutAll();
  CHECK(static_cast<CountingClient&>(*second).logouts == 1);
}

TEST_CASE("ClientPool keeps its map intact when the factory throws", "[dsm][pool]") {
  ClientPool pool([](const Endpoint&) -> std::shared_ptr<Client> { throw std::runtime_error("no"); });
  Endpoint a;
  a.host = "nas";
  CHECK_THROWS(pool.get(a));
  CHECK(pool.size() == 0);
}

TEST_CASE("httpClientFactory makes HttpClients without network I/O", "[dsm][pool]") {
  ClientPool pool(httpClientFactory());
  Endpoint a;
  a.host = "nas.invalid";
  auto client = pool.get(a);
  CHECK(dynamic_cast<HttpClient*>(client.get()) != nullptr);
  pool.logoutAll();  // no session: nothing sent, nothing thrown
}
