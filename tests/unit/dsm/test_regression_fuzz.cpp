// Regression tests for bugs found by fuzzing the DSM answer decoding (fuzz/fuzz_dsm_reply.cpp,
// docs/reliability.md). Each input is also kept in fuzz/corpus/dsm_reply/, which ctest replays.
#include <catch2/catch.hpp>
#include <cstdint>

#include "puq/dsm/reply.hpp"

using namespace puq::dsm;
using nlohmann::json;

TEST_CASE("fuzz: a DSM version number too long for an int is ignored, not an std::out_of_range",
          "[dsm][regression]") {
  // std::stoi threw std::out_of_range out of HttpClient::info(): TestConnection answered 500 internal_error.
  const json data = {{"model", "DS920+"}, {"version_string", "DSM 99999999999.7-1"}};
  DsmInfo info;
  REQUIRE_NOTHROW(info = decodeInfo(data));
  CHECK(info.major == 0);
  CHECK(info.minor == 0);
  CHECK(info.version_string == "DSM 99999999999.7-1");

  // Real versions still parse.
  CHECK(decodeInfo(json{{"version_string", "DSM 7.2-64570 Update 3"}}).major == 7);
  CHECK(decodeInfo(json{{"version_string", "DSM 7.2-64570 Update 3"}}).minor == 2);
}

TEST_CASE("fuzz: a float too large for an integer field gives the fallback, not undefined behaviour",
          "[dsm][regression]") {
  // intField() converted any JSON number with get<int64_t>(): for 1e300 that is undefined behaviour
  // (UBSan: "1e+300 is outside the range of representable values of type 'long'").
  const json data = {{"users",
                      {{{"name", "a"}, {"uid", 1e300}},
                       {{"name", "b"}, {"uid", -1e300}},
                       {{"name", "c"}, {"uid", 9223372036854775808.0}},
                       {{"name", "d"}, {"uid", 1026.0}},
                       {{"name", "e"}, {"uid", -9223372036854775808.0}}}}};
  const std::vector<User> users = decodeUsers(data);
  REQUIRE(users.size() == 5);
  CHECK(users[0].uid == -1);
  CHECK(users[1].uid == -1);
  CHECK(users[2].uid == -1);
  CHECK(users[3].uid == 1026);
  CHECK(users[4].uid == INT64_MIN);
  CHECK(decode::intField(json{{"code", 1e19}}, "code", 100) == 100);
}
