// Fuzz target "username_rule": the product setting "Username rule" is typed by a WHMCS admin and
// expanded for every new service (include/puq/provisioning/username_rule.hpp).
//
// Input: RULE [ '\n' CLIENT_ID SERVICE_ID UNIX_SECONDS SEED TAKEN [ '\n' RAW_NAME ] ]
//  - RULE (the first line, any bytes) goes to UsernameRule::parse: puq::SettingError is the only
//    allowed exception;
//  - the decimal numbers of the second line (missing ones keep a default) set the service, the
//    FixedClock, the SeededRandom and how many candidate names generateUnique() finds taken;
//  - the rest goes to normaliseUsername() directly.
// Properties: every generated name satisfies isValidDsmUsername(), is at most kMaxUsernameLength
// characters, is not reserved and not all digits; normaliseUsername() is idempotent; generateUnique()
// returns a name not taken, or throws puq::Conflict "username_exhausted".
#include <algorithm>
#include <set>
#include <sstream>
#include <string>

#include "fuzz_check.hpp"
#include "puq/common/error.hpp"
#include "puq/provisioning/clock.hpp"
#include "puq/provisioning/random.hpp"
#include "puq/provisioning/username_rule.hpp"

namespace {

using namespace puq::provisioning;

// std::chrono::system_clock counts nanoseconds in 64 bits: about +-292 years around 1970.
constexpr int64_t kMaxClockSeconds = 9000000000LL;

void checkName(const std::string& name) {
  FUZZ_CHECK(isValidDsmUsername(name));
  FUZZ_CHECK(name.size() <= kMaxUsernameLength);
  FUZZ_CHECK(!isReservedUsername(name));
  FUZZ_CHECK(!std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }));
  FUZZ_CHECK(normaliseUsername(name) == name);
}

void checkNormalise(const std::string& raw) {
  const std::string once = normaliseUsername(raw);
  if (once.empty()) return;
  checkName(once);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t first_newline = input.find('\n');
  const std::string rule_text = input.substr(0, first_newline);
  std::string numbers, raw_name;
  if (first_newline != std::string::npos) {
    const size_t second = input.find('\n', first_newline + 1);
    numbers = input.substr(first_newline + 1, second == std::string::npos ? std::string::npos : second - first_newline - 1);
    if (second != std::string::npos) raw_name = input.substr(second + 1);
  }

  UsernameContext ctx{17, 4242};
  int64_t unix_seconds = 1709175845, seed = 1, taken_count = 0;
  {
    std::istringstream in(numbers);
    in >> ctx.client_id >> ctx.service_id >> unix_seconds >> seed >> taken_count;
  }
  unix_seconds = std::clamp<int64_t>(unix_seconds, -kMaxClockSeconds, kMaxClockSeconds);
  taken_count = std::clamp<int64_t>(taken_count, 0, 40);

  checkNormalise(raw_name);
  checkNormalise(rule_text);

  UsernameRule rule;
  try {
    rule = UsernameRule::parse(rule_text);
  } catch (const puq::SettingError& e) {
    FUZZ_CHECK(std::string(e.what()).find("Username rule") != std::string::npos);
    return 0;
  }
  FUZZ_CHECK(!rule.parts().empty() && rule.text() == rule_text);

  SeededRandom random(static_cast<uint64_t>(seed));
  const FixedClock clock = FixedClock::atUnixSeconds(unix_seconds);
  (void)rule.expand(ctx, random, clock);
  checkName(rule.generate(ctx, random, clock));

  // The first taken_count distinct candidates are in use.
  std::set<std::string> asked;
  auto taken = [&](const std::string& name) {
    checkName(name);
    asked.insert(name);
    return static_cast<int64_t>(asked.size()) <= taken_count;
  };
  try {
    const std::string name = rule.generateUnique(ctx, random, clock, taken, 20);
    checkName(name);
    FUZZ_CHECK(static_cast<int64_t>(asked.size()) > taken_count);
  } catch (const puq::Conflict& e) {
    FUZZ_CHECK(e.code() == "username_exhausted");
  }
  return 0;
}
