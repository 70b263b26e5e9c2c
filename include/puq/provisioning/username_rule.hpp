#pragma once
// The "Username rule" product setting: a template of literal text and macros that yields the DSM username
// of a new service, normalised to the DSM naming rules we enforce (docs/username-rules.md).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "puq/provisioning/clock.hpp"
#include "puq/provisioning/random.hpp"

namespace puq::provisioning {

inline constexpr const char* kDefaultUsernameRule = "{client_id}-{service_id}-{random_digit_4}";
// DSM accepts 64 characters; we create at most 32 (Linux login-name tools and utmp records hold 32,
// and a short name is easier to type into SMB/FTP clients). See docs/username-rules.md.
inline constexpr std::size_t kMaxUsernameLength = 32;
inline constexpr std::size_t kDsmMaxUsernameLength = 64;
inline constexpr int kMaxRandomMacroCount = 32;       // {random_digit_x} / {random_letter_x}: x in 1..32
inline constexpr std::size_t kMaxUsernameRuleLength = 200;

// What a rule may refer to.
struct UsernameContext {
  int64_t client_id = 0;
  int64_t service_id = 0;
};

class UsernameRule {
 public:
  // Parses a rule. Throws puq::SettingError naming "Username rule" and the offending macro for an unknown
  // macro, a bad count ({random_digit_0}, {random_digit_99}), unbalanced braces, or an empty/too long rule.
  static UsernameRule parse(const std::string& rule);

  // The rule with its macros filled in, not normalised (may contain anything the literal text contains).
  std::string expand(const UsernameContext& ctx, RandomSource& random, const Clock& clock) const;
  // expand() + normaliseUsername(); always isValidDsmUsername(). A rule whose text normalises to
  // nothing usable falls back to "u<client_id>-<service_id>".
  std::string generate(const UsernameContext& ctx, RandomSource& random, const Clock& clock) const;
  // generate(), then resolve collisions: `taken` answers (case-insensitively) whether a name is in use.
  // A rule with random macros is re-drawn first (up to half the attempts); then "-2", "-3", ... is appended
  // to the first name (kept within kMaxUsernameLength). Throws puq::Conflict code "username_exhausted"
  // after max_attempts names were all taken.
  std::string generateUnique(const UsernameContext& ctx, RandomSource& random, const Clock& clock,
                             const std::function<bool(const std::string&)>& taken,
                             int max_attempts = 20) const;

  bool hasRandomMacros() const;
  const std::string& text() const { return text_; }

  // One piece of a parsed rule: literal text or a macro (with its count for the random macros).
  struct Part {
    enum class Kind { Literal, ClientId, ServiceId, RandomDigits, RandomLetters, UnixTime,
                      Year, Month, Day, Hour, Minute, Second };
    Kind kind = Kind::Literal;
    std::string literal;  // Kind::Literal only
    int count = 0;        // RandomDigits / RandomLetters only
  };
  const std::vector<Part>& parts() const { return parts_; }

 private:
  std::string text_;
  std::vector<Part> parts_;
};

// Turns any text into a name we are willing to create on DSM (docs/username-rules.md): lower-case ASCII
// [a-z0-9._-], other characters become '-', separator runs collapse, no separator at either end, at most
// kMaxUsernameLength characters, and a reserved or all-digit result gets the prefix "u".
// Returns "" when nothing usable is left (the caller picks a fallback).
std::string normaliseUsername(std::string raw);

// True when `name` is a fixed point of normaliseUsername: exactly the names we create.
bool isValidDsmUsername(const std::string& name);

// A built-in DSM/Linux account or group name, a Windows device name, or a DSM package-account name (sc-*).
// Case-insensitive.
bool isReservedUsername(const std::string& name);

}  // namespace puq::provisioning
