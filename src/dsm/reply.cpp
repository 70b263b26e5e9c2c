// Decoding DSM's answers (include/puq/dsm/reply.hpp): the envelope and the data of each call.
#include "puq/dsm/reply.hpp"

#include <algorithm>
#include <regex>

namespace puq::dsm {

using nlohmann::json;

namespace decode {

std::string stringField(const json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

int64_t intField(const json& object, const char* key, int64_t fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  if (it == object.end()) return fallback;
  if (it->is_number_float()) {
    // A float outside int64_t's range has no integer value: the conversion would be undefined behaviour
    // ("uid": 1e300 did that before: found by fuzz/fuzz_dsm_reply.cpp under UBSan).
    const double value = it->get<double>();
    if (!(value >= -9223372036854775808.0 && value < 9223372036854775808.0)) return fallback;
    return static_cast<int64_t>(value);
  }
  if (it->is_number()) return it->get<int64_t>();
  if (it->is_string()) {
    try {
      return std::stoll(it->get<std::string>());
    } catch (const std::exception&) {
      return fallback;
    }
  }
  return fallback;
}

double numberField(const json& object, const char* key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  if (it == object.end()) return 0;
  if (it->is_number()) return it->get<double>();
  if (it->is_string()) {
    try {
      return std::stod(it->get<std::string>());
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

bool boolField(const json& object, const char* key, bool fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  if (it == object.end()) return fallback;
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_number()) return it->get<double>() != 0;
  if (it->is_string()) return it->get<std::string>() == "true" || it->get<std::string>() == "yes";
  return fallback;
}

const json& arrayField(const json& object, const char* key) {
  static const json kEmpty = json::array();
  if (!object.is_object()) return kEmpty;
  auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : kEmpty;
}

bool errorsContain(const json& data, int code) {
  for (const json& e : arrayField(data, "errors")) {
    if (e.is_number_integer() && e.get<int>() == code) return true;
    if (e.is_object() && intField(e, "code", 0) == code) return true;
  }
  return false;
}

}  // namespace decode

using namespace decode;

DsmReply decodeReply(const std::string& base_url, const std::string& api, const std::string& method,
                     int http_status, const std::string& raw_body, const json& body) {
  const bool envelope_ok = body.is_object() && body.contains("success") && body.at("success").is_boolean();
  if (http_status >= 500) {
    throw DsmError("dsm_unreachable",
                   "Cannot reach DSM at " + base_url + ": its web server answered HTTP " +
                       std::to_string(http_status) + " (DSM may be starting, updating or overloaded). Try again later.",
                   api, method);
  }
  if (http_status != 200 || !envelope_ok) {
    std::string what = "answered HTTP " + std::to_string(http_status);
    const auto first = raw_body.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && raw_body[first] == '<') {
      what += " with an HTML page";
    } else if (http_status == 200) {
      what += " with something that is not a DSM JSON answer";
    }
    throw DsmError("dsm_protocol",
                   "The NAS at " + base_url + " " + what + " to " + api + " " + method +
                       ": this does not look like DSM: wrong port or SSL setting? Check the port and the SSL option "
                       "of the server in WHMCS (DSM serves HTTP on 5000 and HTTPS on 5001 by default).",
                   api, method);
  }

  DsmReply reply;
  reply.success = body.at("success").get<bool>();
  if (reply.success) {
    reply.data = body.contains("data") ? body.at("data") : json();
  } else {
    reply.error = body.contains("error") ? body.at("error") : json::object();
    reply.code = static_cast<int>(intField(reply.error, "code", 100));
  }
  return reply;
}

DsmReply decodeReply(const std::string& base_url, const std::string& api, const std::string& method,
                     int http_status, const std::string& raw_body) {
  return decodeReply(base_url, api, method, http_status, raw_body, json::parse(raw_body, nullptr, false));
}

ApiTable decodeApiTable(const std::string& base_url, const json& data) {
  ApiTable table;
  if (data.is_object()) {
    for (const auto& [name, entry] : data.items()) {
      if (!entry.is_object()) continue;
      ApiInfo info;
      info.path = stringField(entry, "path");
      info.min_version = static_cast<int>(intField(entry, "minVersion", 1));
      info.max_version = static_cast<int>(intField(entry, "maxVersion", info.min_version));
      if (!info.path.empty()) table.emplace(name, info);
    }
  }
  if (table.count("SYNO.API.Auth") == 0) {
    throw DsmError("dsm_protocol",
                   "The NAS at " + base_url +
                       " answered SYNO.API.Info without SYNO.API.Auth: this does not look like DSM: wrong port or "
                       "SSL setting?",
                   "SYNO.API.Info", "query");
  }
  return table;
}

DsmInfo decodeInfo(const json& data) {
  DsmInfo info;
  info.model = stringField(data, "model");
  info.version = stringField(data, "version");
  info.version_string = stringField(data, "version_string");
  info.serial = stringField(data, "serial");
  info.ram_mb = intField(data, "ram", 0);
  // DSM writes one- or two-digit numbers; a longer run is not a version and would overflow std::stoi
  // (std::out_of_range escaped from here before: found by fuzz/fuzz_dsm_reply.cpp).
  static const std::regex kVersion(R"(DSM (\d{1,6})\.(\d{1,6}))");
  std::smatch match;
  if (std::regex_search(info.version_string, match, kVersion)) {
    info.major = std::stoi(match[1].str());
    info.minor = std::stoi(match[2].str());
  }
  return info;
}

User decodeUser(const json& j) {
  User u;
  u.name = stringField(j, "name");
  u.uid = intField(j, "uid", -1);
  u.description = stringField(j, "description");
  u.email = stringField(j, "email");
  u.expired = stringField(j, "expired");
  return u;
}

std::vector<User> decodeUsers(const json& data) {
  std::vector<User> users;
  for (const json& u : arrayField(data, "users")) users.push_back(decodeUser(u));
  return users;
}

PasswordPolicy decodePasswordPolicy(const json& data) {
  const json strong = data.is_object() && data.contains("strong_password") ? data["strong_password"] : json::object();
  PasswordPolicy policy;
  policy.present = true;
  policy.exclude_username = boolField(strong, "exclude_username");
  policy.included_numeric_char = boolField(strong, "included_numeric_char");
  policy.included_special_char = boolField(strong, "included_special_char");
  policy.mixed_case = boolField(strong, "mixed_case");
  policy.min_length_enable = boolField(strong, "min_length_enable");
  policy.min_length = static_cast<int>(intField(strong, "min_length", 0));
  return policy;
}

std::vector<Group> decodeGroups(const json& data) {
  std::vector<Group> groups;
  for (const json& g : arrayField(data, "groups")) {
    groups.push_back({stringField(g, "name"), stringField(g, "description"), intField(g, "gid", -1)});
  }
  std::sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) { return a.name < b.name; });
  return groups;
}

std::vector<std::string> decodeMemberNames(const json& data) {
  std::vector<std::string> names;
  for (const json& u : arrayField(data, "users")) names.push_back(stringField(u, "name"));
  return names;
}

std::vector<std::string> decodeUserGroups(const json& data) {
  std::vector<std::string> groups;
  for (const json& g : arrayField(data, "groups")) {
    groups.push_back(g.is_string() ? g.get<std::string>() : stringField(g, "name"));
  }
  return groups;
}

HomeService decodeHomeService(const json& data) { return {boolField(data, "enable"), stringField(data, "location")}; }

UserUsage decodeUsage(const std::string& name, const json& sub) {
  UserUsage usage;
  usage.name = name;
  if (!boolField(sub, "success")) {
    usage.error_code =
        static_cast<int>(intField(sub.is_object() ? sub.value("error", json::object()) : json(), "code", 100));
    return usage;
  }
  usage.found = true;
  const json data = sub.is_object() ? sub.value("data", json::object()) : json::object();
  double homes_quota = 0;
  double max_quota = 0;
  for (const json& volume : arrayField(data, "user_quota")) {
    const json& shares = arrayField(volume, "shares");
    if (shares.empty()) {  // a volume-level quota (ext4): the entry itself carries the numbers
      usage.used_mb += numberField(volume, "used");
      max_quota = std::max(max_quota, numberField(volume, "quota"));
    }
    for (const json& share : shares) {
      usage.used_mb += numberField(share, "used");
      const double quota = numberField(share, "quota");
      if (stringField(share, "name") == "homes" && quota > 0) homes_quota = quota;
      max_quota = std::max(max_quota, quota);
    }
  }
  usage.quota_mb = homes_quota > 0 ? homes_quota : max_quota;
  return usage;
}

}  // namespace puq::dsm
