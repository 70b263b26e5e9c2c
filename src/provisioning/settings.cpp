#include "puq/provisioning/settings.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

#include "puq/common/error.hpp"
#include "puq/provisioning/password.hpp"
#include "puq/provisioning/username_rule.hpp"
#include "ascii.hpp"

namespace puq::provisioning {
namespace {

// Labels exactly as the admin sees them (PHP ConfigOptions); every SettingError message starts with one.
constexpr const char* kDiskSize = "Disk size";
constexpr const char* kDiskUnit = "Disk unit";
constexpr const char* kGroup = "Synology group";
constexpr const char* kNotify = "Notify at %";
constexpr const char* kEmailTemplate = "Email template";
constexpr const char* kHistory = "Save history (days)";
constexpr const char* kLink = "Link to instruction";
constexpr const char* kShowPassword = "Show password";
constexpr const char* kUsernameRule = "Username rule";
constexpr const char* kPasswordRule = "Password rule";

constexpr double kMaxDiskSize = 1'000'000;  // in any unit: 1,000,000 TB keeps diskLimitMb far from overflow
constexpr int kMaxHistoryDays = 3650;
constexpr std::size_t kMaxGroupNameChars = 32;  // DSM's limit for group names
constexpr std::size_t kMaxLinkLength = 2000;
constexpr std::size_t kMaxTemplateNameLength = 250;

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

bool hasControlChar(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// The admin's value quoted back: short, and without control characters that would garble the page.
std::string quoted(std::string_view value) {
  std::string out = "\"";
  for (char c : value.substr(0, 60)) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  if (value.size() > 60) out += "...";
  return out + "\"";
}

[[noreturn]] void invalid(const char* label, const std::string& requirement, std::string_view value) {
  throw puq::SettingError(std::string(label) + " " + requirement + "; got " + quoted(value));
}

std::optional<int64_t> parseInteger(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

int parseIntegerSetting(const char* label, const std::string& value, int64_t min, int64_t max,
                        const std::string& requirement) {
  const auto parsed = parseInteger(value);
  if (!parsed || *parsed < min || *parsed > max) invalid(label, requirement, value);
  return static_cast<int>(*parsed);
}

double parseDiskSize(const std::string& value) {
  const std::string requirement = "must be a number from 0 to " + std::to_string(static_cast<int64_t>(kMaxDiskSize)) +
                                  ", such as 10 or 1.5 (0 = unlimited)";
  std::string_view s = value;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double size = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), size);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(size) || size < 0 ||
      size > kMaxDiskSize) {
    invalid(kDiskSize, requirement, value);
  }
  return size;
}

std::string parseDiskUnit(const std::string& value) {
  const std::string unit = ascii::lower(value);
  if (unit == "mb") return "MB";
  if (unit == "gb") return "GB";
  if (unit == "tb") return "TB";
  invalid(kDiskUnit, "must be MB, GB or TB", value);
}

std::size_t utf8Length(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  return n;
}

std::string parseGroup(const std::string& value) {
  if (hasControlChar(value)) invalid(kGroup, "must be a DSM group name without control characters", value);
  if (utf8Length(value) > kMaxGroupNameChars) {
    invalid(kGroup, "must be a DSM group name of at most " + std::to_string(kMaxGroupNameChars) + " characters",
            value);
  }
  return value;
}

int parseNotifyPercent(std::string value) {
  if (!value.empty() && value.back() == '%') value = trim(std::string_view(value).substr(0, value.size() - 1));
  return parseIntegerSetting(kNotify, value, 1, 100, "must be a whole number from 1 to 100");
}

std::string parseEmailTemplate(const std::string& value) {
  if (ascii::lower(value) == "none") return "";
  if (hasControlChar(value) || value.size() > kMaxTemplateNameLength) {
    invalid(kEmailTemplate, "must be \"None\" or the name of a WHMCS email template", value);
  }
  return value;
}

bool isPortNumber(std::string_view s) {
  const auto port = parseInteger(s);
  return s.find('+') == std::string_view::npos && port && *port >= 1 && *port <= 65535;
}

// A link shown to every client of the product as a "User manual" button: an absolute http(s) URL with a
// host, nothing that needs escaping to survive an HTML attribute, and no credentials in it.
std::string parseInstructionLink(const std::string& value) {
  const std::string requirement =
      "must be empty or a web address starting with http:// or https://, such as https://example.com/manual";
  if (value.size() > kMaxLinkLength) {
    invalid(kLink, "must be at most " + std::to_string(kMaxLinkLength) + " characters long", value);
  }
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || std::string_view("\"<>\\^`{|}").find(c) != std::string_view::npos) {
      invalid(kLink, "must not contain spaces, quotes or the characters < > \\ ^ ` { | }", value);
    }
  }
  const std::string lower = ascii::lower(value);
  std::size_t rest_at = 0;
  if (lower.rfind("https://", 0) == 0) {
    rest_at = 8;
  } else if (lower.rfind("http://", 0) == 0) {
    rest_at = 7;
  } else {
    invalid(kLink, requirement, value);
  }
  const std::string_view rest = std::string_view(value).substr(rest_at);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    invalid(kLink, "must not contain a user name or password (every client sees this link)", value);
  }
  std::string_view host = authority;
  std::string_view after_host;  // ":port" or ""
  if (!host.empty() && host.front() == '[') {  // IPv6 literal: [::1]:8080
    const auto close = host.find(']');
    if (close == std::string_view::npos) invalid(kLink, requirement, value);
    after_host = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!after_host.empty() && after_host.front() != ':') invalid(kLink, requirement, value);
  } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
    after_host = host.substr(colon);
    host = host.substr(0, colon);
  }
  if (!after_host.empty() && !isPortNumber(after_host.substr(1))) {
    invalid(kLink, "has a port that is not a number from 1 to 65535", value);
  }
  if (host.empty()) invalid(kLink, "has no host name after " + lower.substr(0, rest_at), value);
  for (char c : host) {
    const auto u = static_cast<unsigned char>(c);
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || c == '_' || c == ':' || u >= 0x80;  // ':' inside [IPv6]; >= 0x80: IDN
    if (!ok || (c == ':' && authority.front() != '[')) invalid(kLink, "has an invalid host name", value);
  }
  return value;
}

std::string parseShowPassword(const std::string& value) {
  const std::string v = ascii::lower(value);
  if (v == "button" || v == "show button") return "button";
  if (v == "plain" || v == "plain text") return "plain";
  if (v == "hidden") return "hidden";
  invalid(kShowPassword, "must be one of: Show button, plain text, hidden", value);
}

std::string parseUsernameRule(const std::string& value) {
  UsernameRule::parse(value);  // throws SettingError("Username rule: ...")
  return value;
}

const std::string& at(const std::vector<std::string>& options, std::size_t position) {
  static const std::string kEmpty;
  return position <= options.size() ? options[position - 1] : kEmpty;
}

}  // namespace

int64_t ProductSettings::diskLimitMb() const {
  double factor = 0;
  if (disk_unit == "MB") factor = 1;
  else if (disk_unit == "GB") factor = 1024;
  else if (disk_unit == "TB") factor = 1024.0 * 1024.0;
  else invalid(kDiskUnit, "must be MB, GB or TB", disk_unit);
  if (!(disk_size > 0)) return 0;
  const int64_t mb = std::llround(disk_size * factor);
  return mb > 0 ? mb : 1;  // a tiny size must not read as "unlimited"
}

void ProductSettings::requireGroup() const {
  if (group.empty()) {
    throw puq::SettingError("Synology group is not set: choose a group in the product's Module Settings");
  }
}

ProductSettings parseProductSettings(const std::vector<std::string>& configoptions) {
  ProductSettings s;
  auto value = [&configoptions](int position) { return trim(at(configoptions, static_cast<std::size_t>(position))); };
  std::string v;
  if (!(v = value(1)).empty()) s.disk_size = parseDiskSize(v);
  if (!(v = value(2)).empty()) s.disk_unit = parseDiskUnit(v);
  if (!(v = value(3)).empty()) s.group = parseGroup(v);
  if (!(v = value(4)).empty()) s.notify_percent = parseNotifyPercent(v);
  if (!(v = value(5)).empty()) s.email_template = parseEmailTemplate(v);
  if (!(v = value(6)).empty()) {
    s.history_days = parseIntegerSetting(kHistory, v, 0, kMaxHistoryDays,
                                         "must be a whole number of days from 0 to " + std::to_string(kMaxHistoryDays));
  }
  if (!(v = value(7)).empty()) s.instruction_link = parseInstructionLink(v);
  if (!(v = value(8)).empty()) s.show_password = parseShowPassword(v);
  s.username_rule = (v = value(9)).empty() ? std::string(kDefaultUsernameRule) : parseUsernameRule(v);
  if (!(v = value(10)).empty()) {
    s.password_length = parseIntegerSetting(kPasswordRule, v, kMinPasswordLength, kMaxPasswordLength,
                                            "must be a password length from " + std::to_string(kMinPasswordLength) +
                                                " to " + std::to_string(kMaxPasswordLength) + " characters");
  }
  return s;
}

std::vector<SettingDescriptor> settingDescriptors() {
  return {
      {kDiskSize, 1, "text", "0",
       "Disk space shown to the client (display only; the Synology group enforces the real quota). 0 = Unlimited.",
       {}, "a number of 0 or more, decimals allowed (0 = unlimited)"},
      {kDiskUnit, 2, "dropdown", "GB", "Unit for the displayed disk space (1 GB = 1024 MB).", {"MB", "GB", "TB"},
       "MB, GB or TB"},
      {kGroup, 3, "dropdown", "",
       "Pre-configured Synology group assigned to provisioned users (loaded from the server). Configure the real "
       "disk quota and permissions on this group in DSM.",
       {}, "the name of a group on the NAS; required to create an account"},
      {kNotify, 4, "text", "90", "Threshold to notify the user about low disk space.", {},
       "a whole number from 1 to 100"},
      {kEmailTemplate, 5, "dropdown", "None", "Email template used for low disk space notifications.", {"None"},
       "None, or the name of a WHMCS product email template"},
      {kHistory, 6, "text", "30", "Number of days to keep usage statistics in WHMCS.", {},
       "a whole number from 0 to 3650"},
      {kLink, 7, "text", "", "A link to the instruction will be reflected in the client area.", {},
       "empty, or an http:// or https:// address with a host"},
      {kShowPassword, 8, "dropdown", "Show button", "Defines how the password is displayed in the client area.",
       {"Show button", "plain text", "hidden"}, "Show button, plain text or hidden"},
      {kUsernameRule, 9, "text", kDefaultUsernameRule,
       "Username template using macros: {client_id} {service_id} {random_digit_x} {random_letter_x} {unixtime} "
       "{year} {month} {day} {hour} {minute} {second} (x = 1..32). The result is normalised to DSM rules.",
       {}, "literal text and known macros, braces balanced"},
      {kPasswordRule, 10, "text", "12",
       "Generated password length (minimum 8). It always includes lower-case, upper-case, digit and special "
       "characters and meets the NAS's password policy.",
       {}, "a whole number from 8 to 127"},
  };
}

}  // namespace puq::provisioning
