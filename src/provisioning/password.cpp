#include "puq/provisioning/password.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "puq/common/error.hpp"
#include "ascii.hpp"

namespace puq::provisioning {
namespace {

constexpr const char* kPolicySuffix = " (the NAS's password policy)";

bool containsIgnoringCase(std::string_view haystack, std::string_view needle) {
  return !needle.empty() && ascii::lower(haystack).find(ascii::lower(needle)) != std::string::npos;
}

bool isUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool isLower(char c) { return c >= 'a' && c <= 'z'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isSpecial(char c) { return c != '\0' && std::strchr(kPasswordSpecials, c) != nullptr; }
bool isAcceptedSpecial(char c) { return c != '\0' && std::strchr(kAcceptedPasswordSpecials, c) != nullptr; }

std::string without(std::string_view alphabet, char excluded_lower) {
  std::string out;
  for (char c : alphabet) {
    if (ascii::lower(c) != excluded_lower) out += c;
  }
  return out;
}

char pick(const std::string& alphabet, RandomSource& random) { return alphabet[random.below(alphabet.size())]; }

// How to name a refused character in a message; `at` points into the password (non-ASCII: the whole
// UTF-8 sequence, so the reader sees "é" rather than a byte).
std::string describeRefused(std::string_view password, std::size_t at) {
  const unsigned char c = static_cast<unsigned char>(password[at]);
  switch (c) {
    case ' ': return "a space";
    case '\t': return "a tab";
    case '"': return "a double quote (\")";
    case '\'': return "an apostrophe (')";
    case '\\': return "a backslash (\\)";
    case '`': return "a backtick (`)";
    default: break;
  }
  if (c < 0x20 || c == 0x7f) return "a control character";
  if (c < 0x80) return std::string("the character ") + static_cast<char>(c);
  const std::size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
  if (len == 0 || at + len > password.size()) return "a byte that is not valid UTF-8 text";
  for (std::size_t k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(password[at + k]) & 0xc0) != 0x80) return "a byte that is not valid UTF-8 text";
  }
  return "the character \"" + std::string(password.substr(at, len)) + "\"";
}

}  // namespace

std::string generatePassword(int length, const puq::dsm::PasswordPolicy& policy, const std::string& username,
                             RandomSource& random) {
  if (length < kMinPasswordLength || length > kMaxPasswordLength) {
    throw std::invalid_argument("generatePassword: length " + std::to_string(length) + " is outside " +
                                std::to_string(kMinPasswordLength) + ".." + std::to_string(kMaxPasswordLength));
  }
  int target = length;
  if (policy.present && policy.min_length_enable) target = std::max(target, policy.min_length);
  if (target > kMaxPasswordLength) {
    throw puq::Conflict("The NAS's password policy asks for passwords of at least " +
                            std::to_string(policy.min_length) + " characters, but DSM accepts at most " +
                            std::to_string(kMaxPasswordLength) + ": lower the minimum length in DSM's password "
                            "settings.",
                        "password_policy");
  }

  std::string classes[] = {kPasswordLower, kPasswordUpper, kPasswordDigits, kPasswordSpecials};
  // A one- or two-character username would turn up by chance in many passwords; leaving its first
  // character out of the alphabet rules it out. Longer ones are rare enough to reject and redraw.
  const std::string name = ascii::lower(username);
  if (!name.empty() && name.size() <= 2) {
    for (std::string& alphabet : classes) alphabet = without(alphabet, name[0]);
  }
  std::string all;
  for (const std::string& alphabet : classes) all += alphabet;

  // Redraws are rare: a special at an end in about a third of draws (length 8), a 3+ character username
  // in well under 1%.
  constexpr int kMaxDraws = 1000;
  for (int draw = 0; draw < kMaxDraws; ++draw) {
    std::string password;
    password.reserve(static_cast<std::size_t>(target));
    for (const std::string& alphabet : classes) password += pick(alphabet, random);  // one of each class
    while (password.size() < static_cast<std::size_t>(target)) password += pick(all, random);
    for (std::size_t i = password.size() - 1; i > 0; --i) {  // Fisher-Yates: the guaranteed ones go anywhere
      std::swap(password[i], password[random.below(i + 1)]);
    }
    // Letters or digits at both ends: a leading '-' reads as a command-line option, a leading '~' as a
    // home directory, and a trailing '.' as the end of the sentence in an email.
    if (isSpecial(password.front()) || isSpecial(password.back())) continue;
    if (!containsIgnoringCase(password, name)) return password;
  }
  throw puq::Error("password_generation", "Could not generate a password that does not contain the username \"" +
                                              username + "\" in " + std::to_string(kMaxDraws) + " draws");
}

std::optional<std::string> checkPassword(const std::string& password, const puq::dsm::PasswordPolicy& policy,
                                         const std::string& username) {
  if (password.empty()) return std::string("The password is empty");
  if (password.size() > static_cast<std::size_t>(kMaxPasswordLength)) {
    return "The password is " + std::to_string(password.size()) + " characters long; DSM accepts at most " +
           std::to_string(kMaxPasswordLength);
  }
  for (std::size_t i = 0; i < password.size(); ++i) {
    const char c = password[i];
    if (!isUpper(c) && !isLower(c) && !isDigit(c) && !isAcceptedSpecial(c)) {
      return "The password contains " + describeRefused(password, i) +
             ", which is not allowed: use letters A-Z and a-z, digits and these specials: " +
             kAcceptedPasswordSpecials;
    }
  }

  const bool enforced = policy.present;
  int min_length = kMinPasswordLength;
  bool min_from_policy = false;
  if (enforced && policy.min_length_enable && policy.min_length > min_length) {
    min_length = policy.min_length;
    min_from_policy = true;
  }
  if (password.size() < static_cast<std::size_t>(min_length)) {
    return "The password must be at least " + std::to_string(min_length) + " characters long" +
           (min_from_policy ? kPolicySuffix : "");
  }
  if (!enforced) return std::nullopt;

  auto has = [&password](bool (*test)(char)) { return std::any_of(password.begin(), password.end(), test); };
  auto policyReason = [](const char* reason) { return std::string(reason) + kPolicySuffix; };
  if (policy.mixed_case && !has(isUpper)) return policyReason("The password must contain an upper-case letter");
  if (policy.mixed_case && !has(isLower)) return policyReason("The password must contain a lower-case letter");
  if (policy.included_numeric_char && !has(isDigit)) return policyReason("The password must contain a digit");
  if (policy.included_special_char && !has(isAcceptedSpecial)) {
    return policyReason("The password must contain a special character such as - . _ ~");
  }
  if (policy.exclude_username && containsIgnoringCase(password, username)) {
    return policyReason("The password must not contain the username");
  }
  return std::nullopt;
}

}  // namespace puq::provisioning
