#include "state.hpp"

#include <algorithm>

namespace puq::sim {

using nlohmann::json;

std::string nameKey(const std::string& name) {
  std::string key = name;
  for (auto& c : key)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return key;
}

SimState SimState::initial(const Options& options) {
  SimState s;
  s.password_policy = defaultPasswordPolicy();
  // Built-in groups with the gids and descriptions DSM ships (fixture core.group.list.with_gid.json).
  s.groups["administrators"] = {"administrators", 101, "System default admin group", {}, 0};
  s.groups["http"] = {"http", 1023, "System default group for Web services", {}, 0};
  s.groups["users"] = {"users", 100, "System default group", {}, 0};

  // Built-in accounts are disabled ("expired":"now") as in fixture core.user.list.additional.json.
  auto builtin = [&](const std::string& name, int64_t uid, const std::string& description) {
    UserRecord u;
    u.name = name;
    u.uid = uid;
    u.description = description;
    u.expired = "now";
    u.password = randomToken(24);  // nobody knows it: the accounts are disabled anyway
    u.passwd_never_expire = true;
    u.password_last_change = daysSinceEpoch();
    s.users[nameKey(name)] = u;
    s.groups["users"].members.insert(nameKey(name));
  };
  builtin("admin", 1024, "System default user");
  builtin("guest", 1025, "Guest");
  s.groups["administrators"].members.insert("admin");

  // DSM grants the login applications to everyone by default ("grant_by_default", SPIKE).
  for (const char* app : {"SYNO.Desktop", "SYNO.FTP", "SYNO.SFTP", "SYNO.AFP", "SYNO.Rsync"}) {
    s.app_rules.push_back({{"allow_ip", {"0.0.0.0"}},
                           {"app_id", app},
                           {"deny_ip", json::array()},
                           {"entity_name", "everyone"},
                           {"entity_type", "everyone"}});
  }

  if (!options.admin_user.empty() && !s.findUser(options.admin_user)) {
    auto& admin = s.addUser(options.admin_user, options.admin_password);
    admin.passwd_never_expire = true;
    s.groups["administrators"].members.insert(nameKey(admin.name));
  }
  return s;
}

UserRecord* SimState::findUser(const std::string& name) {
  auto it = users.find(nameKey(name));
  return it == users.end() ? nullptr : &it->second;
}
const UserRecord* SimState::findUser(const std::string& name) const {
  auto it = users.find(nameKey(name));
  return it == users.end() ? nullptr : &it->second;
}
GroupRecord* SimState::findGroup(const std::string& name) {
  auto it = groups.find(nameKey(name));
  return it == groups.end() ? nullptr : &it->second;
}
const GroupRecord* SimState::findGroup(const std::string& name) const {
  auto it = groups.find(nameKey(name));
  return it == groups.end() ? nullptr : &it->second;
}

UserRecord& SimState::addUser(const std::string& name, const std::string& password) {
  UserRecord u;
  u.name = name;
  u.uid = next_uid++;
  u.password = password;
  u.password_last_change = daysSinceEpoch();
  auto key = nameKey(name);
  users[key] = u;
  groups["users"].members.insert(key);  // every user is in "users" (dsm-api.md §5)
  return users[key];
}

GroupRecord& SimState::addGroup(const std::string& name, const std::string& description) {
  GroupRecord g;
  g.name = name;
  g.gid = next_gid++;
  g.description = description;
  auto key = nameKey(name);
  groups[key] = g;
  return groups[key];
}

void SimState::removeUser(const std::string& key) {
  users.erase(key);
  for (auto& [_, g] : groups) g.members.erase(key);
}

void SimState::renameUser(const std::string& old_key, const std::string& new_name) {
  auto node = users.extract(old_key);
  if (node.empty()) return;
  node.mapped().name = new_name;
  auto new_key = nameKey(new_name);
  node.key() = new_key;
  users.insert(std::move(node));
  for (auto& [_, g] : groups)
    if (g.members.erase(old_key)) g.members.insert(new_key);
}

bool SimState::isAdministrator(const std::string& user_key) const {
  auto it = groups.find("administrators");
  return it != groups.end() && it->second.members.count(user_key) > 0;
}

namespace {
bool lessNoCase(const std::string& a, const std::string& b) {
  return nameKey(a) < nameKey(b) || (nameKey(a) == nameKey(b) && a < b);
}
}  // namespace

std::vector<std::string> SimState::groupsOf(const std::string& user_key) const {
  std::vector<std::string> out;
  for (const auto& [_, g] : groups)
    if (g.members.count(user_key)) out.push_back(g.name);
  std::sort(out.begin(), out.end(), lessNoCase);
  return out;
}

std::vector<const UserRecord*> SimState::usersSorted() const {
  std::vector<const UserRecord*> out;
  for (const auto& [_, u] : users) out.push_back(&u);
  std::sort(out.begin(), out.end(), [](auto a, auto b) { return lessNoCase(a->name, b->name); });
  return out;
}

std::vector<const GroupRecord*> SimState::groupsSorted() const {
  std::vector<const GroupRecord*> out;
  for (const auto& [_, g] : groups) out.push_back(&g);
  std::sort(out.begin(), out.end(), [](auto a, auto b) { return lessNoCase(a->name, b->name); });
  return out;
}

// ---- state file ----

json SimState::toJson() const {
  json j;
  j["format"] = 1;
  j["next_uid"] = next_uid;
  j["next_gid"] = next_gid;
  j["password_policy"] = password_policy;
  j["home"] = {{"enable", home.enable},
               {"location", home.location},
               {"enable_recycle_bin", home.enable_recycle_bin}};
  j["sftp"] = sftp;
  j["app_rules"] = app_rules;
  json ju = json::array();
  for (const auto& [_, u] : users) {
    ju.push_back({{"name", u.name},
                  {"uid", u.uid},
                  {"password", u.password},
                  {"password_history", u.password_history},
                  {"description", u.description},
                  {"email", u.email},
                  {"expired", u.expired},
                  {"cannot_chg_passwd", u.cannot_chg_passwd},
                  {"passwd_never_expire", u.passwd_never_expire},
                  {"password_last_change", u.password_last_change},
                  {"used_mb", u.used_mb},
                  {"quota_mb", u.quota_mb},
                  {"otp_code", u.otp_code},
                  {"device_tokens", u.device_tokens}});
  }
  j["users"] = ju;
  json jg = json::array();
  for (const auto& [_, g] : groups) {
    jg.push_back({{"name", g.name},
                  {"gid", g.gid},
                  {"description", g.description},
                  {"members", g.members},
                  {"quota_mb", g.quota_mb}});
  }
  j["groups"] = jg;
  return j;
}

SimState SimState::fromJson(const json& j) {
  SimState s;
  s.next_uid = j.at("next_uid").get<int64_t>();
  s.next_gid = j.at("next_gid").get<int64_t>();
  s.password_policy = j.value("password_policy", defaultPasswordPolicy());
  if (j.contains("home")) {
    const auto& h = j["home"];
    s.home.enable = h.value("enable", false);
    s.home.location = h.value("location", "/volume1");
    s.home.enable_recycle_bin = h.value("enable_recycle_bin", true);
  }
  if (j.contains("sftp")) s.sftp = j["sftp"];
  if (j.contains("app_rules")) s.app_rules = j["app_rules"];
  for (const auto& ju : j.at("users")) {
    UserRecord u;
    u.name = ju.at("name").get<std::string>();
    u.uid = ju.at("uid").get<int64_t>();
    u.password = ju.value("password", "");
    u.password_history = ju.value("password_history", std::vector<std::string>{});
    u.description = ju.value("description", "");
    u.email = ju.value("email", "");
    u.expired = ju.value("expired", "normal");
    u.cannot_chg_passwd = ju.value("cannot_chg_passwd", false);
    u.passwd_never_expire = ju.value("passwd_never_expire", false);
    u.password_last_change = ju.value("password_last_change", int64_t{0});
    u.used_mb = ju.value("used_mb", int64_t{0});
    u.quota_mb = ju.value("quota_mb", int64_t{0});
    u.otp_code = ju.value("otp_code", "");
    u.device_tokens = ju.value("device_tokens", std::vector<std::string>{});
    s.users[nameKey(u.name)] = u;
  }
  for (const auto& jg : j.at("groups")) {
    GroupRecord g;
    g.name = jg.at("name").get<std::string>();
    g.gid = jg.at("gid").get<int64_t>();
    g.description = jg.value("description", "");
    g.members = jg.value("members", std::set<std::string>{});
    g.quota_mb = jg.value("quota_mb", int64_t{0});
    s.groups[nameKey(g.name)] = g;
  }
  if (!s.findGroup("users")) throw std::runtime_error("state file has no \"users\" group");
  return s;
}

}  // namespace puq::sim
