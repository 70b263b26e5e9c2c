// Regression tests for bugs found by fuzzing the request decoding (fuzz/fuzz_request.cpp,
// docs/reliability.md). Each input is also kept in fuzz/corpus/request/, which ctest replays.
#include <catch2/catch.hpp>

#include "puq/api/server.hpp"
#include "puq/common/error.hpp"

using nlohmann::json;

namespace {

json serverWithPort(json port) {
  return {{"server",
           {{"id", 3}, {"host", "nas.example.com"}, {"port", std::move(port)}, {"username", "admin"},
            {"password", "S3cret!pass"}}},
          {"service_id", 42}};
}

}  // namespace

TEST_CASE("fuzz: a server.port beyond the int range is refused, not wrapped around", "[api][regression]") {
  // requireServer checked s["port"].get<int>(): 4294968297 became port 1001 and was accepted.
  const puq::DsmSettings dsm;
  for (const json& port : {json(4294968297ULL), json(4294967296LL + 5001), json(-4294967296LL + 5001),
                           json(18446744073709551615ULL), json(65536), json(0)}) {
    INFO("port " << port.dump());
    CHECK_THROWS_AS(puq::api::requireServer(serverWithPort(port), dsm), puq::BadRequest);
  }
  CHECK(puq::api::requireServer(serverWithPort(5001), dsm).port == 5001);
  CHECK(puq::api::requireServer(serverWithPort(65535), dsm).port == 65535);
  CHECK(puq::api::requireServer(serverWithPort(1), dsm).port == 1);
}
