// Transient DSM failures: reads are retried with backoff and a bound; writes are never repeated blindly.
#include <catch2/catch.hpp>

#include "puq/dsm/errors.hpp"
#include "support/sim_nas.hpp"

using puq::dsm::DsmError;
using nlohmann::json;

namespace {

uint64_t requests(puq::testing::SimNas& nas) { return nas.sim().stats().requests; }

}  // namespace

TEST_CASE("A read survives one transient failure of each kind", "[dsm][retry]") {
  puq::testing::SimNas nas;
  auto client = nas.client();
  client->listGroups();  // discovery and login done
  const json fault = GENERATE(json{{"http_status", 503}, {"count", 1}}, json{{"reset_connection", 1}},
                              json{{"not_json", 1}}, json{{"fail", {{{"api", "SYNO.Core.User"}, {"method", "list"},
                                                                     {"code", 117}, {"count", 1}}}}},
                              json{{"fail", {{{"api", "SYNO.Core.User"}, {"method", "list"}, {"code", 3112}, {"count", 1}}}}},
                              json{{"fail", {{{"api", "SYNO.Core.User"}, {"method", "list"}, {"code", 3113}, {"count", 1}}}}});
  INFO("fault " << fault.dump());
  nas.control("/faults", fault);
  const auto before = requests(nas);
  CHECK_NOTHROW(client->listUsers());
  CHECK(requests(nas) - before == 2);  // the failed try and one retry
}

TEST_CASE("A read gives up after the bound with the error naming the NAS", "[dsm][retry]") {
  puq::testing::SimNas nas;
  auto client = nas.client();
  client->listGroups();
  nas.control("/faults", {{"http_status", 503}, {"count", 10}});
  const auto before = requests(nas);
  try {
    client->listUsers();
    FAIL("expected a DsmError");
  } catch (const DsmError& e) {
    CHECK(e.code() == "dsm_unreachable");
    CHECK_THAT(std::string(e.what()), Catch::Contains("127.0.0.1"));
  }
  CHECK(requests(nas) - before == 3);  // bounded: three tries in all
}

TEST_CASE("A write is not repeated after a transient failure", "[dsm][retry]") {
  puq::testing::SimNas nas;
  auto client = nas.client();
  client->listGroups();
  nas.control("/faults", {{"http_status", 503}, {"count", 1}});
  const auto before = requests(nas);
  CHECK_THROWS_AS(client->createUser({"retry-probe", "Probe-Passw0rd-1", "", ""}), DsmError);
  CHECK(requests(nas) - before == 1);
  CHECK(nas.user("retry-probe").is_null());
}

TEST_CASE("A hang past the timeout on a read is retried once the NAS answers again", "[dsm][retry]") {
  puq::testing::SimNas nas;
  auto endpoint = nas.endpoint();
  endpoint.timeout_ms = 300;
  auto client = puq::dsm::makeHttpClient(endpoint);
  client->listGroups();
  nas.control("/faults", {{"hang_ms", 1500}, {"count", 1}});
  CHECK_NOTHROW(client->listUsers());
}

TEST_CASE("Another administrator editing (3112/3113): a write is refused once with a clear, retry-safe error",
          "[dsm][retry]") {
  puq::testing::SimNas nas;
  auto client = nas.client();
  client->listGroups();
  const int code = GENERATE(3112, 3113);
  nas.control("/faults", {{"fail", {{{"api", "SYNO.Core.User"}, {"method", "create"}, {"code", code}, {"count", 1}}}}});
  const auto before = requests(nas);
  try {
    client->createUser({"busy-probe", "Probe-Passw0rd-1", "", ""});
    FAIL("expected a DsmError");
  } catch (const DsmError& e) {
    CHECK(e.code() == "dsm_busy");
    CHECK(e.dsmCode() == code);
    CHECK_THAT(std::string(e.what()), Catch::Contains("another administrator"));
    CHECK_THAT(std::string(e.what()), Catch::Contains("nothing was changed"));
    CHECK_THAT(std::string(e.what()), Catch::Contains("127.0.0.1"));
  }
  CHECK(requests(nas) - before == 1);  // a write is never repeated by the client
  CHECK(nas.user("busy-probe").is_null());
  // The caller's retry (WHMCS's Create again) then works.
  CHECK_NOTHROW(client->createUser({"busy-probe", "Probe-Passw0rd-1", "", ""}));
  CHECK_FALSE(nas.user("busy-probe").is_null());
}
