#pragma once
// Generated passwords and the check of a chosen one against DSM's password policy. The alphabets and the
// reasons for them are in docs/username-rules.md ("Passwords").
#include <optional>
#include <string>

#include "puq/dsm/types.hpp"
#include "puq/provisioning/random.hpp"

namespace puq::provisioning {

inline constexpr int kMinPasswordLength = 8;    // our floor ("Password rule" minimum)
inline constexpr int kMaxPasswordLength = 127;  // DSM's maximum

// What generated passwords are drawn from: no look-alikes (0 O o 1 l I) and only specials that survive
// HTML/Smarty/email, URLs, SMB/AFP/FTP/WebDAV clients, Windows cmd and POSIX shells unquoted.
inline constexpr const char* kPasswordLower = "abcdefghijkmnpqrstuvwxyz";
inline constexpr const char* kPasswordUpper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
inline constexpr const char* kPasswordDigits = "23456789";
inline constexpr const char* kPasswordSpecials = "-._~+=";
// Specials accepted in a password someone chose (checkPassword): printable ASCII except those that break
// WHMCS templates, HTML, shells or URLs: no quotes, backslash, space, < > & $ ` { } %.
inline constexpr const char* kAcceptedPasswordSpecials = "!#()*+,-./:;=?@[]^_|~";

// A password of exactly max(length, policy.min_length when the policy enables it) characters from the
// generated alphabet, with at least one lower-case letter, upper-case letter, digit and special, uniformly
// shuffled, a letter or digit at both ends, never containing `username` (case-insensitive, whatever the
// policy says).
// Throws std::invalid_argument when `length` is outside [kMinPasswordLength, kMaxPasswordLength] (the
// "Password rule" setting guarantees it), puq::Conflict "password_policy" when the NAS's policy asks for
// more than kMaxPasswordLength characters.
std::string generatePassword(int length, const puq::dsm::PasswordPolicy& policy, const std::string& username,
                             RandomSource& random);

// Why `password` is not acceptable for `username` under `policy` (plus our own rules: the accepted
// alphabet, kMinPasswordLength..kMaxPasswordLength), as a sentence for the admin or client; nullopt if fine.
std::optional<std::string> checkPassword(const std::string& password, const puq::dsm::PasswordPolicy& policy,
                                         const std::string& username);

}  // namespace puq::provisioning
