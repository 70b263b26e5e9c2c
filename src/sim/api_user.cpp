// SYNO.Core.User, .User.Group, .User.PasswordPolicy, .User.UsernamePolicy (dsm-api.md §4-§5).
// Invalid parameters answer 3103 throughout (SPIKE's "invalid parameter"), names included: DSM's own
// code for a bad user name was not found (docs/simulator.md).
#include <algorithm>

#include "api.hpp"

namespace puq::sim {

namespace {

constexpr int kBadParam = 3103;
constexpr int kBadArgument = 3101;  // a name list sent as a string (delete)
constexpr int kNoSuchUser = 3106;
constexpr int kUserExists = 3107;

bool isBuiltinUser(const UserRecord& u) { return u.uid == 1024 || u.uid == 1025; }

// `additional` decides which fields appear; `name` always does (dsm-api.md §4 list/get).
Json userRow(const UserRecord& u, const std::vector<std::string>& additional) {
  Json row = {{"name", u.name}};
  for (const auto& a : additional) {
    if (a == "description") row[a] = u.description;
    else if (a == "email") row[a] = u.email;
    else if (a == "expired") row[a] = u.expired;
    else if (a == "cannot_chg_passwd") row[a] = u.cannot_chg_passwd;
    else if (a == "passwd_never_expire") row[a] = u.passwd_never_expire;
    else if (a == "password_last_change") row[a] = u.password_last_change;
    else if (a == "is_password_pending") row[a] = false;
    else if (a == "uid") row[a] = u.uid;
    // Others (groups, 2fa_status, …) have no captured shape and are left out.
  }
  return row;
}

std::vector<std::string> additionalOf(const Ctx& ctx) {
  return ctx.optStringArray("additional").value_or(std::vector<std::string>{});
}

Json userList(Ctx& ctx) {
  if (ctx.optString("type").value_or("local") != "local") return errorBody(kBadParam);  // SPIKE: system → 3103
  auto additional = additionalOf(ctx);
  auto users = ctx.state().usersSorted();
  if (nameKey(ctx.optString("sort_direction").value_or("ASC")) == "desc")
    std::reverse(users.begin(), users.end());
  auto [begin, end] = pageRange(ctx, users.size());
  Json rows = Json::array();
  for (size_t i = begin; i < end; ++i) rows.push_back(userRow(*users[i], additional));
  return okBody({{"offset", begin}, {"total", users.size()}, {"users", rows}});
}

Json userGet(Ctx& ctx) {
  const UserRecord* u = ctx.state().findUser(ctx.requireString("name"));
  if (!u) return errorBody(kNoSuchUser);
  return okBody({{"users", Json::array({userRow(*u, additionalOf(ctx))})}});
}

// Values shared by create and set, validated before anything changes.
struct UserFields {
  std::optional<std::string> password, description, email, expired;
  std::optional<bool> cannot_chg_passwd, passwd_never_expire;
};

// Returns 0 or the DSM error code.
int readUserFields(const Ctx& ctx, UserFields& f) {
  f.password = ctx.optString("password");
  f.description = ctx.optString("description");
  f.email = ctx.optString("email");
  f.cannot_chg_passwd = ctx.optBool("cannot_chg_passwd");
  f.passwd_never_expire = ctx.optBool("passwd_never_expire");
  if (auto e = ctx.optString("expired")) {
    f.expired = normalizeExpired(*e);  // ISO dates and anything else → 3103 (BAT)
    if (!f.expired) return kBadParam;
  }
  if (f.description && utf8Length(*f.description) > 64) return kBadParam;  // SPEC: 64
  if (f.email && utf8Length(*f.email) > 512) return kBadParam;
  if (f.password && utf8Length(*f.password) > 127) return kBadParam;  // SPEC: 127
  return 0;
}

void applyUserFields(UserRecord& u, const UserFields& f) {
  if (f.description) u.description = *f.description;
  if (f.email) u.email = *f.email;
  if (f.expired) u.expired = *f.expired;
  if (f.cannot_chg_passwd) u.cannot_chg_passwd = *f.cannot_chg_passwd;
  if (f.passwd_never_expire) u.passwd_never_expire = *f.passwd_never_expire;
}

bool isAcceptableNewName(const std::string& name) { return isValidUserName(name) && !isReservedUserName(name); }

Json userCreate(Ctx& ctx) {
  const std::string name = ctx.requireString("name");
  UserFields f;
  if (int code = readUserFields(ctx, f)) return errorBody(code);
  ctx.optBool("notify_by_email");  // accepted (type-checked) but no mail is sent
  ctx.optBool("send_password");
  if (!isAcceptableNewName(name)) return errorBody(kBadParam);
  SimState& st = ctx.state();
  if (st.findUser(name)) return errorBody(kUserExists);  // without case (SPIKE)
  const std::string password = f.password.value_or("");
  if (!passwordMeetsPolicy(st.password_policy, name, password, {}))
    return errorBody(ctx.options().weak_password_code);
  // `group`/`groups` are ignored, as DSM 7.4 does (DSMACC); other unknown keys too.
  UserRecord& u = st.addUser(name, password);
  applyUserFields(u, f);
  return okBody({{"name", u.name}, {"uid", u.uid}});
}

Json userSet(Ctx& ctx) {
  SimState& st = ctx.state();
  UserRecord* u = st.findUser(ctx.requireString("name"));
  if (!u) return errorBody(kNoSuchUser);
  UserFields f;
  if (int code = readUserFields(ctx, f)) return errorBody(code);
  auto new_name = ctx.optString("new_name");
  if (new_name && *new_name != u->name) {
    if (isBuiltinUser(*u) || !isAcceptableNewName(*new_name)) return errorBody(kBadParam);
    const UserRecord* other = st.findUser(*new_name);
    if (other && other != u) return errorBody(kUserExists);
  }
  if (f.password) {
    auto history = u->password_history;
    history.push_back(u->password);  // history_num counts the current password too
    if (!passwordMeetsPolicy(st.password_policy, new_name.value_or(u->name), *f.password, history))
      return errorBody(ctx.options().weak_password_code);
  }

  applyUserFields(*u, f);
  if (f.password) {
    u->password_history.push_back(u->password);
    if (u->password_history.size() > 24) u->password_history.erase(u->password_history.begin());
    u->password = *f.password;
    u->password_last_change = daysSinceEpoch();
  }
  if (new_name && *new_name != u->name) {
    std::string old_key = nameKey(u->name);
    std::string new_key = nameKey(*new_name);
    st.renameUser(old_key, *new_name);
    for (auto& [_, s] : ctx.core.sessions)
      if (s.user_key == old_key) s.user_key = new_key;
    u = st.findUser(*new_name);
  }
  // Fixture core.user.set.json.
  return okBody({{"name", u->name}, {"password_last_change", u->password_last_change}, {"uid", u->uid}});
}

Json userDelete(Ctx& ctx) {
  const Json* names = ctx.find("name");
  if (!names || !names->is_array()) return errorBody(kBadArgument);  // SPIKE: a plain string → 3101
  SimState& st = ctx.state();
  std::vector<std::string> keys;
  for (const auto& n : *names) {
    if (!n.is_string()) return errorBody(kBadArgument);
    const UserRecord* u = st.findUser(n.get<std::string>());
    if (!u) continue;  // already gone: same answer as a deletion (see docs/simulator.md)
    if (isBuiltinUser(*u)) return errorBody(kBadParam);  // SPEC: admin/guest cannot be deleted
    keys.push_back(nameKey(u->name));
  }
  for (const auto& key : keys) {
    st.removeUser(key);
    for (auto it = ctx.core.sessions.begin(); it != ctx.core.sessions.end();)
      it = it->second.user_key == key ? ctx.core.sessions.erase(it) : std::next(it);
  }
  // Exactly what DSM 7.2.1 answers on success, 3102 included (fixture core.user.delete.json).
  return okBody({{"errors", {3102}}});
}

// ---- SYNO.Core.User.Group ----

Json userGroupGet(Ctx& ctx) {
  const UserRecord* u = ctx.state().findUser(ctx.requireString("name"));
  if (!u) return errorBody(kNoSuchUser);
  return okBody({{"groups", ctx.state().groupsOf(nameKey(u->name))}});
}

// join is asynchronous on DSM (a task id to poll); the simulator applies it at once and keeps the
// task for join_status (fixtures core.user.group.join.json, core.user.group.join_status.json).
Json userGroupJoin(Ctx& ctx) {
  SimState& st = ctx.state();
  const UserRecord* u = st.findUser(ctx.requireString("name"));
  if (!u) return errorBody(kNoSuchUser);
  auto join = ctx.optStringArray("join_group").value_or(std::vector<std::string>{});
  auto leave = ctx.optStringArray("leave_group").value_or(std::vector<std::string>{});
  std::string key = nameKey(u->name);
  for (const auto& g : join)
    if (GroupRecord* group = st.findGroup(g)) group->members.insert(key);
  for (const auto& g : leave)
    if (GroupRecord* group = st.findGroup(g); group && group->name != "users") group->members.erase(key);

  std::string task_id = "@administrators/groupbatch" + std::to_string(ctx.core.join_tasks.size() + 1786945137) +
                        randomToken(10);
  ctx.core.join_tasks[task_id] = {
      {"auto_remove", false},
      {"data", {{"name", u->name}, {"pid", 18126}, {"progress", 1}, {"total", 1}, {"uid", u->uid}}},
      {"finish", true},
      {"info",
       {{"api", "SYNO.Core.User.Group"}, {"group", "admin"}, {"method", "join"}, {"prefix", "groupbatch"},
        {"version", 1}}},
      {"success", true}};
  return okBody({{"task_id", task_id}});
}

Json userGroupJoinStatus(Ctx& ctx) {
  auto it = ctx.core.join_tasks.find(ctx.requireString("task_id"));
  if (it == ctx.core.join_tasks.end()) return errorBody(kBadArgument);
  return okBody(it->second);
}

// ---- policies ----

Json passwordPolicyGet(Ctx& ctx) { return okBody(ctx.state().password_policy); }

Json usernamePolicyGet(Ctx&) { return okBody(usernamePolicyList()); }

}  // namespace

void addUserApis(ApiTable& table) {
  table["SYNO.Core.User"] = ApiSpec{true, true, kBadParam,
                                    {{"list", {userList, false}},
                                     {"get", {userGet, false}},
                                     {"create", {userCreate, true}},
                                     {"set", {userSet, true}},
                                     {"delete", {userDelete, true}}}};
  table["SYNO.Core.User.Group"] = ApiSpec{true, true, kBadParam,
                                          {{"get", {userGroupGet, false}},
                                           {"join", {userGroupJoin, true}},
                                           {"join_status", {userGroupJoinStatus, false}}}};
  table["SYNO.Core.User.PasswordPolicy"] = ApiSpec{true, true, kBadParam, {{"get", {passwordPolicyGet, false}}}};
  table["SYNO.Core.User.UsernamePolicy"] = ApiSpec{true, true, kBadParam, {{"list", {usernamePolicyGet, false}}}};
}

}  // namespace puq::sim
