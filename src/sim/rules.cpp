// DSM's validation rules for names, dates and passwords (dsm-api.md §4). Where the sources are silent
// the rule is an assumption, marked as such in docs/simulator.md.
#include <openssl/rand.h>

#include <chrono>
#include <climits>
#include <cstdint>
#include <regex>
#include <stdexcept>

#include "state.hpp"

namespace puq::sim {

using nlohmann::json;

int64_t daysSinceEpoch() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count() / 86400;
}

size_t utf8Length(const std::string& s) {
  size_t count = 0;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return SIZE_MAX;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return SIZE_MAX;
    i += len;
    ++count;
  }
  return count;
}

namespace {

bool hasForbiddenCharacters(const std::string& name) {
  static const std::string forbidden = "/\\[]:;|=,+*?<>\"@";
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7F || forbidden.find(static_cast<char>(c)) != std::string::npos)
      return true;
  return !name.empty() && name[0] == '-';
}

bool isValidName(const std::string& name, size_t max_len) {
  auto len = utf8Length(name);
  return len != SIZE_MAX && len >= 1 && len <= max_len && !hasForbiddenCharacters(name);
}

// days_from_civil (Howard Hinnant): days since 1970-01-01 of a proleptic Gregorian date.
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Date {
  int year;
  unsigned month, day;
};

std::optional<Date> parseDsmDate(const std::string& value) {
  static const std::regex re(R"(^(\d{4})/(\d{1,2})/(\d{1,2})$)");
  std::smatch m;
  if (!std::regex_match(value, m, re)) return std::nullopt;
  Date d{std::stoi(m[1]), static_cast<unsigned>(std::stoi(m[2])), static_cast<unsigned>(std::stoi(m[3]))};
  static const unsigned days_in_month[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d.month < 1 || d.month > 12 || d.day < 1) return std::nullopt;
  bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
  unsigned max_day = days_in_month[d.month - 1] + (d.month == 2 && leap ? 1 : 0);
  if (d.day > max_day) return std::nullopt;
  return d;
}

const std::vector<std::string>& commonPasswords() {
  static const std::vector<std::string> list = {"password", "123456",   "12345678", "qwerty",
                                                "abc123",   "password1", "111111",  "iloveyou",
                                                "admin",    "welcome",  "letmein",  "Passw0rd"};
  return list;
}

}  // namespace

bool isValidUserName(const std::string& name) { return isValidName(name, 64); }
bool isValidGroupName(const std::string& name) { return isValidName(name, 32); }

const std::vector<std::string>& usernamePolicyList() {
  // SYNO.Core.User.UsernamePolicy list as N4S4 shows it (the source shortened the list).
  static const std::vector<std::string> list = {"root",     "rootuser", "rootusr",  "admin",
                                                "administrator", "adm", "adminuser", "adminusr",
                                                "user"};
  return list;
}

bool isReservedUserName(const std::string& name) {
  static const std::vector<std::string> builtin = {"admin", "guest", "root", "synologycms",
                                                   "mailer-daemon", "postmaster"};
  auto key = nameKey(name);
  for (const auto& r : builtin)
    if (key == r) return true;
  for (const auto& r : usernamePolicyList())
    if (key == nameKey(r)) return true;
  return false;
}

std::optional<std::string> normalizeExpired(const std::string& value) {
  if (value == "normal" || value == "now") return value;
  auto d = parseDsmDate(value);
  if (!d) return std::nullopt;
  // DSM answers dates without leading zeros, e.g. 2027/3/5 (BAT toDSMDate).
  return std::to_string(d->year) + "/" + std::to_string(d->month) + "/" + std::to_string(d->day);
}

bool isExpired(const std::string& expired) {
  if (expired == "normal") return false;
  if (expired == "now") return true;
  auto d = parseDsmDate(expired);
  if (!d) return false;
  // The account stops working on the given day.
  return daysSinceEpoch() >= daysFromCivil(d->year, d->month, d->day);
}

json defaultPasswordPolicy() {
  // Fixture core.user.passwordpolicy.get.json (N4S4): DSM's defaults.
  return {{"enable_reset_passwd_by_email", false},
          {"password_must_change", false},
          {"strong_password",
           {{"exclude_username", true},
            {"history_num", 0},
            {"included_numeric_char", true},
            {"included_special_char", false},
            {"min_length", 8},
            {"min_length_enable", true},
            {"mixed_case", true}}}};
}

bool passwordMeetsPolicy(const json& policy, const std::string& user_name, const std::string& password,
                         const std::vector<std::string>& history) {
  const json sp = policy.value("strong_password", json::object());
  auto flag = [&](const char* key) { return sp.value(key, false); };

  if (flag("min_length_enable") &&
      static_cast<int64_t>(utf8Length(password)) < sp.value("min_length", int64_t{0}))
    return false;
  bool upper = false, lower = false, digit = false, special = false;
  for (unsigned char c : password) {
    if (c >= 'A' && c <= 'Z') upper = true;
    else if (c >= 'a' && c <= 'z') lower = true;
    else if (c >= '0' && c <= '9') digit = true;
    else special = true;
  }
  if (flag("mixed_case") && !(upper && lower)) return false;
  if (flag("included_numeric_char") && !digit) return false;
  if (flag("included_special_char") && !special) return false;
  if (flag("exclude_username") && !user_name.empty() &&
      nameKey(password).find(nameKey(user_name)) != std::string::npos)
    return false;
  if (flag("exclude_common_password")) {
    for (const auto& common : commonPasswords())
      if (nameKey(password) == nameKey(common)) return false;
  }
  int history_num = sp.value("history_num", 0);
  if (history_num > 0) {
    int checked = 0;
    for (auto it = history.rbegin(); it != history.rend() && checked < history_num; ++it, ++checked)
      if (*it == password) return false;
  }
  return true;
}

std::string randomToken(size_t length) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::vector<unsigned char> bytes(length);
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("dsm-sim: RAND_bytes failed");
  std::string out(length, 'A');
  for (size_t i = 0; i < length; ++i) out[i] = alphabet[bytes[i] & 63];
  return out;
}

}  // namespace puq::sim
