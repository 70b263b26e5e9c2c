// Generated passwords and checkPassword against DSM's password policy.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "puq/common/error.hpp"
#include "puq/dsm/types.hpp"
#include "puq/provisioning/password.hpp"
#include "puq/provisioning/random.hpp"

using namespace puq::provisioning;
using puq::dsm::PasswordPolicy;

namespace {

// The policy of the DSM capture tests/fixtures/dsm/core.user.passwordpolicy.get.json (min 8, mixed case,
// numeric, exclude username), read here so the test follows the fixture.
PasswordPolicy fixturePolicy() {
  std::ifstream in(std::string(PUQ_SOURCE_DIR) + "/tests/fixtures/dsm/core.user.passwordpolicy.get.json");
  REQUIRE(in.good());
  const auto strong = nlohmann::json::parse(in).at("data").at("strong_password");
  PasswordPolicy p;
  p.present = true;
  p.exclude_username = strong.at("exclude_username").get<bool>();
  p.included_numeric_char = strong.at("included_numeric_char").get<bool>();
  p.included_special_char = strong.at("included_special_char").get<bool>();
  p.mixed_case = strong.at("mixed_case").get<bool>();
  p.min_length_enable = strong.at("min_length_enable").get<bool>();
  p.min_length = strong.at("min_length").get<int>();
  return p;
}

PasswordPolicy strictPolicy(int min_length = 8) {
  PasswordPolicy p;
  p.present = p.exclude_username = p.included_numeric_char = p.included_special_char = p.mixed_case = true;
  p.min_length_enable = true;
  p.min_length = min_length;
  return p;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool hasAnyOf(const std::string& s, const char* chars) { return s.find_first_of(chars) != std::string::npos; }

}  // namespace

TEST_CASE("password: the fixture policy is what the test expects", "[password]") {
  const PasswordPolicy p = fixturePolicy();
  CHECK(p.min_length == 8);
  CHECK(p.min_length_enable);
  CHECK(p.mixed_case);
  CHECK(p.included_numeric_char);
  CHECK(p.exclude_username);
  CHECK_FALSE(p.included_special_char);
}

TEST_CASE("password: 10,000 generated passwords meet the policy (OpenSSL random)", "[password][bulk]") {
  const PasswordPolicy policy = fixturePolicy();
  OpenSslRandom random;
  const std::string alphabet = std::string(kPasswordLower) + kPasswordUpper + kPasswordDigits + kPasswordSpecials;
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    const int length = 8 + i % 33;  // 8..40
    // Short usernames made of alphabet characters, so "contains the username" really gets tested.
    const std::string username = i % 3 == 0 ? "ab" : i % 3 == 1 ? "x7" : "17-4242-" + std::to_string(i % 10);
    const std::string pw = generatePassword(length, policy, username, random);
    if (pw.size() != static_cast<std::size_t>(length)) FAIL("length " << pw.size() << " != " << length);
    if (auto reason = checkPassword(pw, policy, username)) FAIL(pw << ": " << *reason);
    if (auto reason = checkPassword(pw, strictPolicy(), username)) FAIL(pw << " (strict): " << *reason);
    if (!hasAnyOf(pw, kPasswordLower) || !hasAnyOf(pw, kPasswordUpper) || !hasAnyOf(pw, kPasswordDigits) ||
        !hasAnyOf(pw, kPasswordSpecials)) {
      FAIL(pw << " misses a character class");
    }
    if (pw.find_first_not_of(alphabet) != std::string::npos) FAIL(pw << " has a character outside the alphabet");
    if (lower(pw).find(lower(username)) != std::string::npos) FAIL(pw << " contains " << username);
    if (!std::isalnum(static_cast<unsigned char>(pw.front())) || !std::isalnum(static_cast<unsigned char>(pw.back()))) {
      FAIL(pw << " starts or ends with a special");
    }
    if (!seen.insert(pw).second) FAIL("duplicate " << pw);
  }
  CHECK(seen.size() == 10000);
}

TEST_CASE("password: the alphabet has no look-alikes and nothing that breaks WHMCS, URLs or shells", "[password]") {
  const std::string alphabet = std::string(kPasswordLower) + kPasswordUpper + kPasswordDigits + kPasswordSpecials;
  for (char c : std::string("0Oo1lI \"'`\\<>&$%{}!#*?@^:;,/|[]()")) {
    INFO("'" << c << "'");
    CHECK(alphabet.find(c) == std::string::npos);
  }
  CHECK(std::set<char>(alphabet.begin(), alphabet.end()).size() == alphabet.size());  // no duplicates
  // Every generated character is accepted by checkPassword.
  CHECK_FALSE(checkPassword("Aa2" + alphabet, PasswordPolicy{}, "").has_value());
}

TEST_CASE("password: every position and symbol occurs (shuffle and picks are uniform enough)", "[password]") {
  SeededRandom random(42);
  const PasswordPolicy none;
  std::set<char> symbols;
  int special_at[12] = {};
  for (int i = 0; i < 3000; ++i) {
    const std::string pw = generatePassword(12, none, "", random);
    for (std::size_t k = 0; k < pw.size(); ++k) {
      symbols.insert(pw[k]);
      if (std::strchr(kPasswordSpecials, pw[k]) != nullptr) ++special_at[k];
    }
  }
  CHECK(symbols.size() == std::string(kPasswordLower).size() + std::string(kPasswordUpper).size() +
                              std::string(kPasswordDigits).size() + std::string(kPasswordSpecials).size());
  // The guaranteed special is not stuck at one position: each inner position gets a fair share
  // (~1/10 of 3000+); the two ends never get one.
  CHECK(special_at[0] == 0);
  CHECK(special_at[11] == 0);
  for (int k = 1; k < 11; ++k) CHECK(special_at[k] > 200);
}

TEST_CASE("password: the length is the larger of the rule and the policy minimum", "[password]") {
  SeededRandom random(5);
  CHECK(generatePassword(12, strictPolicy(20), "bob", random).size() == 20);
  CHECK(generatePassword(24, strictPolicy(20), "bob", random).size() == 24);
  PasswordPolicy disabled = strictPolicy(20);
  disabled.min_length_enable = false;  // DSM reports min_length even when it is off
  CHECK(generatePassword(12, disabled, "bob", random).size() == 12);
  PasswordPolicy absent = strictPolicy(20);
  absent.present = false;
  CHECK(generatePassword(12, absent, "bob", random).size() == 12);
  CHECK(generatePassword(8, PasswordPolicy{}, "", random).size() == 8);
  CHECK(generatePassword(127, PasswordPolicy{}, "", random).size() == 127);

  CHECK_THROWS_AS(generatePassword(7, PasswordPolicy{}, "", random), std::invalid_argument);
  CHECK_THROWS_AS(generatePassword(128, PasswordPolicy{}, "", random), std::invalid_argument);
  try {
    generatePassword(12, strictPolicy(200), "", random);
    FAIL("no exception");
  } catch (const puq::Conflict& e) {
    CHECK(e.code() == "password_policy");
  }
}

TEST_CASE("password: a one-letter username never appears, even in long passwords", "[password]") {
  SeededRandom random(9);
  for (const char* name : {"u", "A", "7", "-", "Ab"}) {
    for (int i = 0; i < 200; ++i) {
      const std::string pw = generatePassword(127, PasswordPolicy{}, name, random);
      if (lower(pw).find(lower(name)) != std::string::npos) FAIL(pw << " contains " << name);
    }
  }
}

TEST_CASE("password: checkPassword names each failure", "[password]") {
  const PasswordPolicy policy = strictPolicy(10);
  const std::string user = "john-7";
  CHECK_FALSE(checkPassword("Abcdefgh2-x", policy, user).has_value());
  CHECK(checkPassword("", policy, user) == "The password is empty");
  CHECK(checkPassword("Ab2-" + std::string(124, 'x'), policy, user) ==
        "The password is 128 characters long; DSM accepts at most 127");
  CHECK(checkPassword("Abcdef2-x", policy, user) ==
        "The password must be at least 10 characters long (the NAS's password policy)");
  CHECK(checkPassword("Abc2-x", PasswordPolicy{}, user) == "The password must be at least 8 characters long");
  CHECK(checkPassword("abcdefgh2-x", policy, user) ==
        "The password must contain an upper-case letter (the NAS's password policy)");
  CHECK(checkPassword("ABCDEFGH2-X", policy, user) ==
        "The password must contain a lower-case letter (the NAS's password policy)");
  CHECK(checkPassword("Abcdefghi-x", policy, user) == "The password must contain a digit (the NAS's password policy)");
  CHECK(checkPassword("Abcdefgh2xx", policy, user) ==
        "The password must contain a special character such as - . _ ~ (the NAS's password policy)");
  CHECK(checkPassword("AbJOHN-7cd2-x", policy, user) ==
        "The password must not contain the username (the NAS's password policy)");

  // Characters refused whatever the policy, named so the user can find them.
  CHECK(checkPassword("Abcdefgh 2-x", policy, user) ==
        "The password contains a space, which is not allowed: use letters A-Z and a-z, digits and these specials: "
        "!#()*+,-./:;=?@[]^_|~");
  CHECK(checkPassword("Abcdefgh'2-x", policy, user)->find("an apostrophe (')") != std::string::npos);
  CHECK(checkPassword("Abcdefgh\"2-x", policy, user)->find("a double quote") != std::string::npos);
  CHECK(checkPassword("Abcdefgh\\2-x", policy, user)->find("a backslash") != std::string::npos);
  CHECK(checkPassword("Abcdefgh`2-x", policy, user)->find("a backtick") != std::string::npos);
  CHECK(checkPassword("Abcd\tefgh2-x", policy, user)->find("a tab") != std::string::npos);
  CHECK(checkPassword("Abcd\x01" "efgh2-x", policy, user)->find("a control character") != std::string::npos);
  for (char c : std::string("<>&$%{}")) {
    INFO(c);
    CHECK(checkPassword(std::string("Abcdefgh2-x") + c, policy, user)->find(std::string("the character ") + c) !=
          std::string::npos);
  }
  CHECK(checkPassword("Abcdéfgh2-x", policy, user)->find("the character \"é\"") != std::string::npos);
  CHECK(checkPassword("Abcdefgh2-x\xC3", policy, user)->find("not valid UTF-8") != std::string::npos);

  // Without a policy only our own rules apply.
  CHECK_FALSE(checkPassword("alllowercase", PasswordPolicy{}, user).has_value());
  CHECK_FALSE(checkPassword("john-7john-7", PasswordPolicy{}, user).has_value());
  // Look-alikes and the wider specials are fine in a chosen password.
  CHECK_FALSE(checkPassword("O0l1I!#@?*Ab2-", policy, user).has_value());
}
