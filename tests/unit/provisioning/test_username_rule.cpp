// Username rule: macros, parse errors, normalisation to DSM rules, collision resolution.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "puq/common/error.hpp"
#include "puq/provisioning/clock.hpp"
#include "puq/provisioning/random.hpp"
#include "puq/provisioning/username_rule.hpp"

using namespace puq::provisioning;

namespace {

// 2024-02-29 03:04:05 UTC: a leap day with single-digit fields, to see the zero-padding.
constexpr int64_t kLeapDay = 1709175845;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string expandRule(const std::string& rule, int64_t client_id = 17, int64_t service_id = 4242,
                       int64_t unix_seconds = kLeapDay) {
  SeededRandom random(1);
  const FixedClock clock = FixedClock::atUnixSeconds(unix_seconds);
  return UsernameRule::parse(rule).expand({client_id, service_id}, random, clock);
}

void requireRuleRefused(const std::string& rule, const std::string& named) {
  INFO("rule: " << rule);
  try {
    UsernameRule::parse(rule);
    FAIL("accepted");
  } catch (const puq::SettingError& e) {
    INFO(e.what());
    CHECK(std::string(e.what()).find("Username rule") != std::string::npos);
    CHECK(std::string(e.what()).find(named) != std::string::npos);
  }
}

bool allOf(const std::string& s, const char* chars) { return s.find_first_not_of(chars) == std::string::npos; }

}  // namespace

TEST_CASE("username rule: each macro expands", "[username]") {
  CHECK(expandRule("{client_id}") == "17");
  CHECK(expandRule("{service_id}") == "4242");
  CHECK(expandRule("{unixtime}") == "1709175845");
  CHECK(expandRule("{year}") == "2024");
  CHECK(expandRule("{month}") == "02");
  CHECK(expandRule("{day}") == "29");
  CHECK(expandRule("{hour}") == "03");
  CHECK(expandRule("{minute}") == "04");
  CHECK(expandRule("{second}") == "05");
  CHECK(expandRule("{year}-{month}-{day}T{hour}:{minute}:{second}", 1, 1, 1735689599) == "2024-12-31T23:59:59");
  CHECK(expandRule("{year}{month}{day}", 1, 1, 0) == "19700101");
  CHECK(expandRule("c{client_id}s{service_id}") == "c17s4242");
  CHECK(expandRule("{CLIENT_ID}") == "17");  // macro names are not case-sensitive

  const std::string digits = expandRule("{random_digit_6}");
  CHECK(digits.size() == 6);
  CHECK(allOf(digits, "0123456789"));
  const std::string letters = expandRule("{random_letter_32}");
  CHECK(letters.size() == 32);
  CHECK(allOf(letters, "abcdefghijklmnopqrstuvwxyz"));
  CHECK(expandRule("{random_digit_1}").size() == 1);

  // The same seed gives the same name; the random macros draw from the RandomSource only.
  CHECK(expandRule("{client_id}-{random_letter_5}{random_digit_4}") ==
        expandRule("{client_id}-{random_letter_5}{random_digit_4}"));
}

TEST_CASE("username rule: random macros use every symbol", "[username]") {
  SeededRandom random(7);
  const FixedClock clock;
  const auto rule = UsernameRule::parse("{random_letter_32}{random_digit_32}");
  std::set<char> seen;
  for (int i = 0; i < 200; ++i) {
    for (char c : rule.expand({1, 1}, random, clock)) seen.insert(c);
  }
  CHECK(seen.size() == 36);
  CHECK(rule.hasRandomMacros());
  CHECK_FALSE(UsernameRule::parse("{client_id}-{service_id}-{unixtime}").hasRandomMacros());
}

TEST_CASE("username rule: parse errors name the rule and the macro", "[username]") {
  requireRuleRefused("{client}", "{client}");
  requireRuleRefused("{client_id}-{serviceid}", "{serviceid}");
  requireRuleRefused("{random_digit_0}", "{random_digit_0}");
  requireRuleRefused("{random_digit_99}", "{random_digit_99}");
  requireRuleRefused("{random_letter_33}", "{random_letter_33}");
  requireRuleRefused("{random_letter_99999999999999999999}", "{random_letter_99999999999999999999}");
  requireRuleRefused("{random_digit_x}", "{random_digit_x}");
  requireRuleRefused("{random_digit_}", "{random_digit_}");
  requireRuleRefused("{random_digit_-4}", "{random_digit_-4}");
  requireRuleRefused("{}", "{}");
  requireRuleRefused("{client_id", "'{' at character 1 is never closed");
  requireRuleRefused("{client_id{service_id}", "'{' at character 1 is never closed");
  requireRuleRefused("user-{service_id}}", "'}' at character 18 has no matching '{'");
  requireRuleRefused("}{client_id}", "'}' at character 1");
  requireRuleRefused("", "empty");
  requireRuleRefused(std::string(201, 'a'), "201 characters");
  CHECK_THROWS_WITH(UsernameRule::parse("{random_digit_99}"),
                    "Username rule: {random_digit_99} asks for 99 digits; the count must be from 1 to 32, e.g. "
                    "{random_digit_4}");
  CHECK_THROWS_WITH(UsernameRule::parse("{foo}"),
                    Catch::StartsWith("Username rule: unknown macro {foo}; the macros are {client_id}"));
}

TEST_CASE("username rule: normalisation", "[username]") {
  struct Case { std::string raw, expected; };
  const std::vector<Case> cases = {
      {"john", "john"},
      {"JohnSmith", "johnsmith"},                      // DSM is case-insensitive: we create lower case
      {"john.smith_01-a", "john.smith_01-a"},          // the three separators survive
      {"John Smith", "john-smith"},                    // space -> '-'
      {"a/b\\c[d]e:f;g|h=i,j", "a-b-c-d-e-f-g-h-i-j"},  // DSM-forbidden characters -> '-'
      {"k+l*m?n<o>p\"q@r", "k-l-m-n-o-p-q-r"},
      {"Jo\xC3\xA3o M\xC3\xBCller", "jo-o-m-ller"},    // non-ASCII (UTF-8) -> '-'
      {"\xE7\x94\xA8\xE6\x88\xB7", ""},                // nothing usable left: the caller picks a fallback
      {"-leading", "leading"},
      {"..leading.dot", "leading.dot"},
      {"trailing.", "trailing"},
      {"a--b", "a-b"},
      {"a-._b", "a-b"},                                // a run of separators keeps its first
      {"a._-b", "a.b"},
      {"a @ b", "a-b"},
      {"___", ""},
      {"", ""},
      {"Admin", "uadmin"},                             // reserved -> prefixed
      {"root", "uroot"},
      {"ROOT", "uroot"},
      {"guest", "uguest"},
      {"SynologyCMS", "usynologycms"},
      {"MAILER-DAEMON", "umailer-daemon"},
      {"administrators", "uadministrators"},
      {"nobody", "unobody"},
      {"con", "ucon"},                                 // Windows device name: its home folder would be unusable
      {"LPT1", "ulpt1"},
      {"sc-backup", "usc-backup"},                     // DSM package account namespace
      {"-root-", "uroot"},
      {"admin2", "admin2"},                            // only exact names are reserved
      {"12-4242-0917", "12-4242-0917"},
      {"123456", "u123456"},                           // all digits would read as a uid
      {"0", "u0"},
      {std::string(70, 'a'), std::string(32, 'a')},    // capped at 32
      {std::string(31, 'a') + "-b", std::string(31, 'a')},  // no separator left dangling by the cap
      {std::string(30, 'a') + "-bc", std::string(30, 'a') + "-b"},
      {std::string(32, '7'), "u" + std::string(31, '7')},
  };
  for (const auto& c : cases) {
    INFO("raw: \"" << c.raw << "\"");
    const std::string normalised = normaliseUsername(c.raw);
    CHECK(normalised == c.expected);
    if (!normalised.empty()) {
      CHECK(isValidDsmUsername(normalised));
      CHECK(normaliseUsername(normalised) == normalised);  // idempotent
    }
  }
}

TEST_CASE("username rule: validity", "[username]") {
  for (const char* good : {"john", "12-4242-0917", "a", "john.smith", "u123", "a_b-c.d"}) {
    INFO(good);
    CHECK(isValidDsmUsername(good));
  }
  const std::vector<std::string> bad_names = {"",    "John", "-john", "john-", "a--b",
                                              "a b", "admin", "root", "123", "jo@hn",
                                              std::string(33, 'a'), "j\xC3\xA9"};
  for (const std::string& bad : bad_names) {
    INFO(bad);
    CHECK_FALSE(isValidDsmUsername(bad));
  }
  CHECK(isReservedUsername("Administrator"));
  CHECK(isReservedUsername("systemd-network"));
  CHECK_FALSE(isReservedUsername("administrator1"));
}

TEST_CASE("username rule: generate normalises and falls back", "[username]") {
  SeededRandom random(3);
  const FixedClock clock = FixedClock::atUnixSeconds(kLeapDay);
  CHECK(UsernameRule::parse("User {client_id}").generate({12, 34}, random, clock) == "user-12");
  CHECK(UsernameRule::parse("{service_id}").generate({12, 34}, random, clock) == "u34");
  CHECK(UsernameRule::parse("admin").generate({12, 34}, random, clock) == "uadmin");
  CHECK(UsernameRule::parse("@@@").generate({12, 34}, random, clock) == "u12-34");
  CHECK(UsernameRule::parse("{client_id}.{year}{month}{day}").generate({5, 6}, random, clock) == "5.20240229");
}

TEST_CASE("username rule: a deterministic rule gets -2, -3 on collision", "[username]") {
  SeededRandom random(1);
  const FixedClock clock;
  const auto rule = UsernameRule::parse("{client_id}-{service_id}");
  std::set<std::string> taken = {"12-34"};
  auto isTaken = [&taken](const std::string& name) { return taken.count(name) > 0; };
  CHECK(rule.generateUnique({12, 34}, random, clock, isTaken) == "12-34-2");
  taken.insert("12-34-2");
  CHECK(rule.generateUnique({12, 34}, random, clock, isTaken) == "12-34-3");
  CHECK(rule.generateUnique({12, 35}, random, clock, isTaken) == "12-35");

  // A long name is shortened so the suffix still fits within 32 characters.
  const auto long_rule = UsernameRule::parse(std::string(40, 'x'));
  const std::string base(32, 'x');
  std::set<std::string> long_taken = {base};
  const std::string suffixed =
      long_rule.generateUnique({1, 1}, random, clock, [&](const std::string& n) { return long_taken.count(n) > 0; });
  CHECK(suffixed == std::string(30, 'x') + "-2");
  CHECK(isValidDsmUsername(suffixed));
}

TEST_CASE("username rule: a random rule draws again before suffixing", "[username]") {
  SeededRandom random(11);
  const FixedClock clock;
  const auto rule = UsernameRule::parse("u{random_digit_1}");
  std::set<std::string> taken;
  auto isTaken = [&taken](const std::string& name) { return taken.count(name) > 0; };
  for (int i = 0; i < 10; ++i) taken.insert(rule.generateUnique({1, 1}, random, clock, isTaken, 1000));
  // All ten digits are used now; the next one must come from a suffix.
  CHECK(taken.size() == 10);
  const std::string next = rule.generateUnique({1, 1}, random, clock, isTaken);
  CHECK(next.size() == 4);
  CHECK(next.substr(2) == "-2");
}

TEST_CASE("username rule: exhaustion throws Conflict username_exhausted", "[username]") {
  SeededRandom random(1);
  const FixedClock clock;
  int calls = 0;
  auto everythingTaken = [&calls](const std::string&) { ++calls; return true; };
  for (const char* r : {"{client_id}", "{random_digit_2}"}) {
    calls = 0;
    try {
      UsernameRule::parse(r).generateUnique({7, 8}, random, clock, everythingTaken, 20);
      FAIL("no exception");
    } catch (const puq::Conflict& e) {
      CHECK(e.code() == "username_exhausted");
      CHECK(e.httpStatus() == 409);
      CHECK(std::string(e.what()).find(r) != std::string::npos);
      CHECK(std::string(e.what()).find("20 names") != std::string::npos);
    }
    CHECK(calls == 20);
  }
}

TEST_CASE("username rule: 10,000 names per rule are valid and distinct (OpenSSL random)", "[username][bulk]") {
  OpenSslRandom random;
  FixedClock clock = FixedClock::atUnixSeconds(kLeapDay);
  const std::vector<std::string> rules = {
      kDefaultUsernameRule,
      "{random_letter_8}",
      "user{random_digit_6}",
      "{client_id}.{year}{month}{day}-{random_letter_3}",
      "  Ädmin/\"{client_id}\"@[NAS]; DROP TABLE users;--{random_digit_3}<script>\t",  // hostile literal text
      "{client_id}-{service_id}",
  };
  std::set<std::string> taken;  // one NAS: every rule's names must be distinct from all the others
  auto isTaken = [&taken](const std::string& name) { return taken.count(lower(name)) > 0; };
  int64_t service_id = 1000;
  for (const std::string& text : rules) {
    const auto rule = UsernameRule::parse(text);
    for (int i = 0; i < 10000; ++i) {
      ++service_id;
      // Few clients with many services each, so the client-only rules collide often.
      const UsernameContext ctx{1 + (service_id * 7919) % 97, service_id};
      const std::string name = rule.generateUnique(ctx, random, clock, isTaken);
      if (!isValidDsmUsername(name) || name.size() > kMaxUsernameLength) {
        FAIL("invalid name \"" << name << "\" from " << text);
      }
      if (!taken.insert(lower(name)).second) FAIL("duplicate name \"" << name << "\" from " << text);
      if (i % 1000 == 0) clock.advance(std::chrono::hours(30));
    }
  }
  CHECK(taken.size() == rules.size() * 10000);
}
