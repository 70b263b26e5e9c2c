#include "puq/provisioning/username_rule.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <iterator>
#include <string_view>
#include <tuple>
#include <utility>

#include "puq/common/error.hpp"
#include "ascii.hpp"

namespace puq::provisioning {
namespace {

using Kind = UsernameRule::Part::Kind;

constexpr const char* kLabel = "Username rule";
constexpr const char* kMacroList =
    "{client_id} {service_id} {random_digit_x} {random_letter_x} {unixtime} {year} {month} {day} {hour} "
    "{minute} {second}";

bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool isSeparator(char c) { return c == '.' || c == '_' || c == '-'; }

// Admin-typed text quoted back in a message: control characters would garble the WHMCS admin page.
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  return out;
}

[[noreturn]] void fail(const std::string& what) { throw puq::SettingError(std::string(kLabel) + ": " + what); }

UsernameRule::Part parseMacro(std::string_view macro_text) {
  // macro_text includes the braces, e.g. "{random_digit_4}".
  const std::string name = ascii::lower(std::string(macro_text.substr(1, macro_text.size() - 2)));
  const std::string shown = printable(macro_text);
  UsernameRule::Part part;

  static const std::array<std::pair<const char*, Kind>, 9> kSimple = {{
      {"client_id", Kind::ClientId}, {"service_id", Kind::ServiceId}, {"unixtime", Kind::UnixTime},
      {"year", Kind::Year}, {"month", Kind::Month}, {"day", Kind::Day},
      {"hour", Kind::Hour}, {"minute", Kind::Minute}, {"second", Kind::Second},
  }};
  for (const auto& [macro, kind] : kSimple) {
    if (name == macro) {
      part.kind = kind;
      return part;
    }
  }

  for (const auto& [prefix, kind, what] : {std::make_tuple("random_digit_", Kind::RandomDigits, "digits"),
                                           std::make_tuple("random_letter_", Kind::RandomLetters, "letters")}) {
    const std::string_view p(prefix);
    if (name.compare(0, p.size(), p) != 0) continue;
    const std::string count = name.substr(p.size());
    const std::string example = "{" + std::string(prefix) + "4}";
    if (count.empty() || !std::all_of(count.begin(), count.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      fail(shown + " needs the number of " + what + " in place of x, from 1 to " +
           std::to_string(kMaxRandomMacroCount) + ", e.g. " + example);
    }
    // More than 3 digits is out of range anyway; checking the length first avoids overflow.
    const int n = count.size() > 3 ? kMaxRandomMacroCount + 1 : std::stoi(count);
    if (n < 1 || n > kMaxRandomMacroCount) {
      fail(shown + " asks for " + count + " " + what + "; the count must be from 1 to " +
           std::to_string(kMaxRandomMacroCount) + ", e.g. " + example);
    }
    part.kind = kind;
    part.count = n;
    return part;
  }

  fail("unknown macro " + shown + "; the macros are " + kMacroList);
}

std::string zeroPadded(int value, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*d", width, value);
  return buf;
}

std::tm utcParts(std::chrono::system_clock::time_point at) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(at.time_since_epoch()).count();
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm parts{};
  if (gmtime_r(&t, &parts) == nullptr) throw std::runtime_error("username rule: the clock's time is out of range");
  return parts;
}

// Reserved names, lower-case. DSM built-ins (SPEC), DSM's UsernamePolicy list, DSM/Windows ACL principals,
// common Linux system accounts and groups (DSM is Linux; a user named like a daemon account invites
// confusion in ACLs and logs), FTP's anonymous login, and Windows device names (the user's home folder is
// named after the user, and Windows cannot open a folder called "con" or "lpt1" over SMB).
constexpr std::string_view kReservedNames[] = {
    // DSM built-in users and groups; UsernamePolicy
    "admin", "guest", "synologycms", "mailer-daemon", "postmaster", "administrators", "http", "users",
    "root", "rootuser", "rootusr", "administrator", "adm", "adminuser", "adminusr", "user",
    // ACL principals and generic system names
    "everyone", "owner", "system", "anonymous", "authenticated", "group", "nobody", "nogroup",
    // Linux accounts and groups
    "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy", "www-data",
    "backup", "list", "irc", "gnats", "operator", "shutdown", "halt", "wheel", "sudo", "staff", "shadow",
    "utmp", "tty", "disk", "kmem", "dialout", "video", "audio", "cdrom", "floppy", "tape", "plugdev",
    "netdev", "input", "render", "kvm", "messagebus", "dbus", "sshd", "ftp", "tftp", "rsync", "postfix",
    "mysql", "postgres", "redis", "nginx", "apache", "avahi", "ldap", "named", "bind", "ntp", "smmsp",
    "dovecot", "docker", "git", "nfsnobody",
    // Windows device names
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
    "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
};
// DSM package accounts are "sc-<package>" (SPIKE); systemd's dynamic users are "systemd-<unit>".
constexpr std::string_view kReservedPrefixes[] = {"sc-", "systemd-"};

bool allDigits(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// `base` with "-<n>" appended, shortened so the result stays within kMaxUsernameLength.
std::string withSuffix(std::string base, int n) {
  const std::string suffix = "-" + std::to_string(n);
  if (base.size() + suffix.size() > kMaxUsernameLength) base.resize(kMaxUsernameLength - suffix.size());
  while (!base.empty() && isSeparator(base.back())) base.pop_back();
  if (base.empty()) base = "u";
  return normaliseUsername(base + suffix);  // e.g. a base "systemd" would now hit a reserved prefix
}

}  // namespace

UsernameRule UsernameRule::parse(const std::string& rule) {
  if (rule.empty()) {
    throw puq::SettingError(std::string("Username rule is empty; use for example ") + kDefaultUsernameRule);
  }
  if (rule.size() > kMaxUsernameRuleLength) {
    throw puq::SettingError("Username rule is " + std::to_string(rule.size()) + " characters long; at most " +
                            std::to_string(kMaxUsernameRuleLength) + " are allowed");
  }
  UsernameRule parsed;
  parsed.text_ = rule;
  auto addLiteral = [&parsed](std::string_view text) {
    if (!parsed.parts_.empty() && parsed.parts_.back().kind == Kind::Literal) {
      parsed.parts_.back().literal += text;
    } else {
      Part part;
      part.literal = std::string(text);
      parsed.parts_.push_back(std::move(part));
    }
  };

  std::size_t i = 0;
  while (i < rule.size()) {
    const char c = rule[i];
    if (c == '}') fail("the '}' at character " + std::to_string(i + 1) + " has no matching '{'");
    if (c != '{') {
      const std::size_t next = rule.find_first_of("{}", i);
      const std::size_t end = next == std::string::npos ? rule.size() : next;
      addLiteral(std::string_view(rule).substr(i, end - i));
      i = end;
      continue;
    }
    const std::size_t close = rule.find_first_of("{}", i + 1);
    if (close == std::string::npos || rule[close] == '{') {
      const std::size_t end = close == std::string::npos ? rule.size() : close;
      fail("the '{' at character " + std::to_string(i + 1) + " is never closed (\"" +
           printable(std::string_view(rule).substr(i, std::min<std::size_t>(end - i, 40))) + "\")");
    }
    parsed.parts_.push_back(parseMacro(std::string_view(rule).substr(i, close - i + 1)));
    i = close + 1;
  }
  return parsed;
}

bool UsernameRule::hasRandomMacros() const {
  return std::any_of(parts_.begin(), parts_.end(), [](const Part& p) {
    return p.kind == Kind::RandomDigits || p.kind == Kind::RandomLetters;
  });
}

std::string UsernameRule::expand(const UsernameContext& ctx, RandomSource& random, const Clock& clock) const {
  std::string out;
  const auto now = clock.now();
  std::tm utc{};
  bool have_utc = false;
  auto utcField = [&](int std::tm::*field) {
    if (!have_utc) {
      utc = utcParts(now);
      have_utc = true;
    }
    return utc.*field;
  };

  for (const Part& part : parts_) {
    switch (part.kind) {
      case Kind::Literal: out += part.literal; break;
      case Kind::ClientId: out += std::to_string(ctx.client_id); break;
      case Kind::ServiceId: out += std::to_string(ctx.service_id); break;
      case Kind::RandomDigits:
        for (int k = 0; k < part.count; ++k) out += static_cast<char>('0' + random.below(10));
        break;
      case Kind::RandomLetters:
        for (int k = 0; k < part.count; ++k) out += static_cast<char>('a' + random.below(26));
        break;
      case Kind::UnixTime:
        out += std::to_string(std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count());
        break;
      case Kind::Year: out += zeroPadded(utcField(&std::tm::tm_year) + 1900, 4); break;
      case Kind::Month: out += zeroPadded(utcField(&std::tm::tm_mon) + 1, 2); break;
      case Kind::Day: out += zeroPadded(utcField(&std::tm::tm_mday), 2); break;
      case Kind::Hour: out += zeroPadded(utcField(&std::tm::tm_hour), 2); break;
      case Kind::Minute: out += zeroPadded(utcField(&std::tm::tm_min), 2); break;
      case Kind::Second: out += zeroPadded(utcField(&std::tm::tm_sec), 2); break;
    }
  }
  return out;
}

std::string UsernameRule::generate(const UsernameContext& ctx, RandomSource& random, const Clock& clock) const {
  std::string name = normaliseUsername(expand(ctx, random, clock));
  if (name.empty()) {
    // The rule's text had nothing usable (e.g. only punctuation): still one name per service.
    name = normaliseUsername("u" + std::to_string(ctx.client_id) + "-" + std::to_string(ctx.service_id));
  }
  return name;
}

std::string UsernameRule::generateUnique(const UsernameContext& ctx, RandomSource& random, const Clock& clock,
                                         const std::function<bool(const std::string&)>& taken,
                                         int max_attempts) const {
  max_attempts = std::max(max_attempts, 1);
  const std::string first = generate(ctx, random, clock);
  std::string candidate = first;
  int attempts = 1;
  if (!taken(candidate)) return candidate;

  // A random rule usually finds a free name by drawing again; keep half the attempts for suffixes in case
  // its random space is small ({random_digit_1}) or nearly used up.
  if (hasRandomMacros()) {
    const int draws = std::max(1, max_attempts / 2);
    while (attempts < draws) {
      candidate = generate(ctx, random, clock);
      ++attempts;
      if (!taken(candidate)) return candidate;
    }
  }
  for (int n = 2; attempts < max_attempts; ++n) {
    candidate = withSuffix(first, n);
    ++attempts;
    if (!taken(candidate)) return candidate;
  }
  throw puq::Conflict("No free username: the " + std::to_string(attempts) + " names tried for the Username rule \"" +
                          printable(text_) + "\" were all taken (the last was \"" + candidate +
                          "\"). Put {service_id} or a random macro such as {random_digit_4} in the product's "
                          "Username rule.",
                      "username_exhausted");
}

bool isReservedUsername(const std::string& name) {
  const std::string lower = ascii::lower(name);
  if (std::find(std::begin(kReservedNames), std::end(kReservedNames), lower) != std::end(kReservedNames)) return true;
  return std::any_of(std::begin(kReservedPrefixes), std::end(kReservedPrefixes), [&lower](std::string_view prefix) {
    return lower.compare(0, prefix.size(), prefix) == 0;
  });
}

std::string normaliseUsername(std::string raw) {
  std::string out;
  out.reserve(std::min(raw.size(), kMaxUsernameLength));
  bool pending_separator = false;  // a separator seen since the last letter/digit
  char separator = '-';
  for (char c : raw) {
    c = ascii::lower(c);
    if (!isLowerAlnum(c)) {
      // A run of separators and forbidden characters (any byte of a non-ASCII character too) becomes one
      // separator: the run's first, with anything not [._-] read as '-'.
      if (!pending_separator) separator = isSeparator(c) ? c : '-';
      pending_separator = true;
      continue;
    }
    // A separator is written only between two letters/digits: none leads, none trails, none repeats.
    const bool write_separator = pending_separator && !out.empty();
    if (out.size() + (write_separator ? 2 : 1) > kMaxUsernameLength) break;
    if (write_separator) out += separator;
    out += c;
    pending_separator = false;
  }
  if (out.empty()) return out;

  // An all-digit name reads as a uid to chown/id/ls; a reserved one is refused or misleading.
  if (allDigits(out) || isReservedUsername(out)) {
    out.insert(out.begin(), 'u');
    if (out.size() > kMaxUsernameLength) out.resize(kMaxUsernameLength);
    while (isSeparator(out.back())) out.pop_back();
  }
  return out;
}

bool isValidDsmUsername(const std::string& name) {
  return !name.empty() && normaliseUsername(name) == name;
}

}  // namespace puq::provisioning
