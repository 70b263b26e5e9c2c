// /control/*: seed users and groups, read the state and the counters, inject faults. JSON in, JSON out;
// a malformed body answers HTTP 400 {"ok":false,"error":"…"} and changes nothing.
#include "control.hpp"

#include <random>

#include "api.hpp"

namespace puq::sim {

namespace {

// A control body that cannot be applied; becomes HTTP 400.
struct ControlError {
  std::string message;
};

Json parseBody(const httplib::Request& req) {
  if (req.body.empty()) return Json::object();
  auto j = Json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw ControlError{"body must be a JSON object"};
  return j;
}

template <typename T>
std::optional<T> field(const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  try {
    return it->get<T>();
  } catch (const Json::exception&) {
    throw ControlError{std::string("field \"") + key + "\" has the wrong type"};
  }
}

const Json& arrayField(const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) throw ControlError{std::string("\"") + key + "\" must be an array"};
  return *it;
}

void reply(httplib::Response& res, Json body, int status = 200) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace), "application/json");
}

// Wraps a control handler: locking, JSON errors, persisting.
using ControlFn = std::function<Json(Core&, const Json& body)>;
httplib::Server::Handler wrap(Core& core, ControlFn fn, bool changes_state) {
  return [&core, fn, changes_state](const httplib::Request& req, httplib::Response& res) {
    try {
      Json body = parseBody(req);
      std::lock_guard<std::mutex> lock(core.mu);
      Json out = fn(core, body);
      if (changes_state) core.persistLocked();
      out["ok"] = true;
      reply(res, out);
    } catch (const ControlError& e) {
      reply(res, {{"ok", false}, {"error", e.message}}, 400);
    }
  };
}

GroupRecord& ensureGroup(SimState& st, const std::string& name) {
  if (GroupRecord* g = st.findGroup(name)) return *g;
  if (!isValidGroupName(name)) throw ControlError{"invalid group name: " + name};
  return st.addGroup(name, "");
}

Json seedGroups(Core& core, const Json& body) {
  SimState& st = core.state;
  Json out = Json::array();
  for (const auto& g : arrayField(body, "groups")) {
    auto name = field<std::string>(g, "name");
    if (!name) throw ControlError{"every group needs a name"};
    GroupRecord& rec = ensureGroup(st, *name);
    if (auto d = field<std::string>(g, "description")) rec.description = *d;
    if (auto q = field<int64_t>(g, "quota_mb")) rec.quota_mb = *q;
    out.push_back({{"name", rec.name}, {"gid", rec.gid}});
  }
  return {{"groups", out}};
}

// Creates or updates one user from a control object (no password policy: this is the back door).
const UserRecord& upsertUser(SimState& st, const Json& u) {
  auto name = field<std::string>(u, "name");
  if (!name || !isValidUserName(*name)) throw ControlError{"every user needs a valid name"};
  auto expired = field<std::string>(u, "expired");
  std::optional<std::string> normalized;
  if (expired && !(normalized = normalizeExpired(*expired))) throw ControlError{"bad expired: " + *expired};
  UserRecord* rec = st.findUser(*name);
  if (!rec) rec = &st.addUser(*name, field<std::string>(u, "password").value_or(""));
  else if (auto pw = field<std::string>(u, "password")) rec->password = *pw;
  if (normalized) rec->expired = *normalized;
  if (auto v = field<std::string>(u, "email")) rec->email = *v;
  if (auto v = field<std::string>(u, "description")) rec->description = *v;
  if (auto v = field<int64_t>(u, "used_mb")) rec->used_mb = *v;
  if (auto v = field<int64_t>(u, "quota_mb")) rec->quota_mb = *v;
  if (auto v = field<std::string>(u, "otp_code")) rec->otp_code = *v;
  if (auto v = field<bool>(u, "passwd_never_expire")) rec->passwd_never_expire = *v;
  if (auto v = field<bool>(u, "cannot_chg_passwd")) rec->cannot_chg_passwd = *v;
  const std::string key = nameKey(rec->name);
  if (auto groups = field<std::vector<std::string>>(u, "groups"))
    for (const auto& g : *groups) ensureGroup(st, g).members.insert(key);  // missing groups are created
  if (auto admin = field<bool>(u, "admin")) {
    if (*admin) st.groups["administrators"].members.insert(key);
    else st.groups["administrators"].members.erase(key);
  }
  return *rec;
}

Json seedUsers(Core& core, const Json& body) {
  // Validate everything first so that a bad entry changes nothing.
  SimState copy = core.state;
  Json out = Json::array();
  for (const auto& u : arrayField(body, "users")) {
    const UserRecord& rec = upsertUser(copy, u);
    out.push_back({{"name", rec.name}, {"uid", rec.uid}});
  }
  core.state = std::move(copy);
  return {{"users", out}};
}

Json setUsage(Core& core, const Json& body) {
  SimState& st = core.state;
  if (body.contains("generate")) {
    // Many users fast for benchmarks: <prefix><index>, usage drawn with a fixed seed (repeatable runs).
    const Json& g = body["generate"];
    const std::string prefix = field<std::string>(g, "prefix").value_or("bench");
    const int64_t count = field<int64_t>(g, "count").value_or(0);
    const int64_t lo = field<int64_t>(g, "used_mb_min").value_or(0);
    const int64_t hi = field<int64_t>(g, "used_mb_max").value_or(lo);
    const int64_t quota = field<int64_t>(g, "quota_mb").value_or(0);
    const std::string password = field<std::string>(g, "password").value_or("Sim-Passw0rd");
    if (count < 0 || count > 100000 || hi < lo) throw ControlError{"bad generate parameters"};
    std::mt19937_64 rng(field<uint64_t>(g, "seed").value_or(42));
    std::uniform_int_distribution<int64_t> used(lo, hi);
    const size_t width = std::max<size_t>(4, std::to_string(count).size());
    int64_t created = 0;
    for (int64_t i = 1; i <= count; ++i) {
      std::string index = std::to_string(i);
      std::string name = prefix + std::string(width - index.size(), '0') + index;
      if (!isValidUserName(name)) throw ControlError{"invalid generated name: " + name};
      UserRecord* u = st.findUser(name);
      if (!u) u = &st.addUser(name, password), ++created;
      u->used_mb = used(rng);
      u->quota_mb = quota;
    }
    return {{"created", created}, {"updated", count - created}};
  }
  const Json& users = arrayField(body, "users");
  for (const auto& u : users) {
    auto name = field<std::string>(u, "name");
    if (!name || !st.findUser(*name)) throw ControlError{"no such user: " + name.value_or("")};
    field<int64_t>(u, "used_mb");  // type check before any change
    field<int64_t>(u, "quota_mb");
  }
  for (const auto& u : users) {
    UserRecord* rec = st.findUser(*field<std::string>(u, "name"));
    if (auto v = field<int64_t>(u, "used_mb")) rec->used_mb = *v;
    if (auto v = field<int64_t>(u, "quota_mb")) rec->quota_mb = *v;
  }
  return {{"updated", users.size()}};
}

Json setPolicy(Core& core, const Json& body) {
  // Accepts strong_password fields at the top level or under "strong_password", plus the two
  // top-level flags of PasswordPolicy get.
  Json policy = core.state.password_policy;
  auto apply_strong = [&](const Json& fields) {
    for (const auto& [key, value] : fields.items()) {
      bool is_int_field = key == "min_length" || key == "history_num";
      if (is_int_field ? !value.is_number_integer() : !value.is_boolean())
        throw ControlError{"bad policy field: " + key};
      policy["strong_password"][key] = value;
    }
  };
  for (const auto& [key, value] : body.items()) {
    if (key == "strong_password") {
      if (!value.is_object()) throw ControlError{"strong_password must be an object"};
      apply_strong(value);
    } else if (key == "enable_reset_passwd_by_email" || key == "password_must_change") {
      if (!value.is_boolean()) throw ControlError{"bad policy field: " + key};
      policy[key] = value;
    } else {
      apply_strong(Json{{key, value}});
    }
  }
  core.state.password_policy = policy;
  return {{"policy", policy}};
}

Json faultsJson(const Faults& f) {
  Json fail = Json::array();
  for (const auto& r : f.fail)
    fail.push_back({{"api", r.api}, {"method", r.method}, {"code", r.code}, {"count", r.remaining}});
  return {{"latency_ms", f.latency_ms},
          {"subrequest_latency_ms", f.subrequest_latency_ms},
          {"fail", fail},
          {"http_status", f.http_status},
          {"http_status_count", f.http_status_count},
          {"not_json", f.not_json_count},
          {"hang_ms", f.hang_ms},
          {"hang_count", f.hang_count},
          {"reset_connection", f.reset_connection_count}};
}

Json setFaults(Core& core, const Json& body) {
  Faults f = core.faults;
  const int64_t shared_count = field<int64_t>(body, "count").value_or(1);
  if (auto v = field<int>(body, "latency_ms")) f.latency_ms = *v;
  if (auto v = field<double>(body, "subrequest_latency_ms")) f.subrequest_latency_ms = *v;
  if (body.contains("fail")) {
    for (const auto& r : arrayField(body, "fail")) {
      FailRule rule;
      rule.api = field<std::string>(r, "api").value_or("");
      rule.method = field<std::string>(r, "method").value_or("");
      rule.code = field<int>(r, "code").value_or(0);
      rule.remaining = field<int>(r, "count").value_or(1);
      if (rule.api.empty() || rule.code <= 0 || rule.remaining == 0 || rule.remaining < -1)
        throw ControlError{"a fail rule needs api, code > 0 and count >= 1 or -1"};
      f.fail.push_back(rule);
    }
  }
  if (auto v = field<int>(body, "http_status")) {
    if (*v < 100 || *v > 599) throw ControlError{"http_status must be 100..599"};
    f.http_status = *v;
    f.http_status_count = field<int>(body, "http_status_count").value_or(static_cast<int>(shared_count));
  }
  if (auto v = field<int>(body, "not_json")) f.not_json_count = *v;
  if (auto v = field<int>(body, "hang_ms")) {
    f.hang_ms = *v;
    f.hang_count = field<int>(body, "hang_count").value_or(static_cast<int>(shared_count));
  }
  if (auto v = field<int>(body, "reset_connection")) f.reset_connection_count = *v;
  if (auto code = field<int>(body, "expire_sessions")) {
    if (*code != 106 && *code != 107 && *code != 119) throw ControlError{"expire_sessions must be 106, 107 or 119"};
    for (auto& [_, s] : core.sessions) s.revoked_code = *code;
  }
  core.faults = f;
  return {{"faults", faultsJson(f)}};
}

Json stateJson(Core& core) {
  const SimState& st = core.state;
  Json users = Json::array();
  for (const UserRecord* u : st.usersSorted()) {
    const std::string key = nameKey(u->name);
    users.push_back({{"name", u->name},
                     {"uid", u->uid},
                     {"description", u->description},
                     {"email", u->email},
                     {"expired", u->expired},
                     {"groups", st.groupsOf(key)},
                     {"admin", st.isAdministrator(key)},
                     {"used_mb", u->used_mb},
                     {"quota_mb", u->quota_mb},
                     {"otp", !u->otp_code.empty()},
                     {"password_last_change", u->password_last_change}});
  }
  Json groups = Json::array();
  for (const GroupRecord* g : st.groupsSorted()) {
    Json members = Json::array();
    for (const auto& key : g->members)
      if (auto it = st.users.find(key); it != st.users.end()) members.push_back(it->second.name);
    groups.push_back({{"name", g->name},
                      {"gid", g->gid},
                      {"description", g->description},
                      {"members", members},
                      {"quota_mb", g->quota_mb}});
  }
  return {{"users", users},
          {"groups", groups},
          {"policy", st.password_policy},
          {"home", {{"enable", st.home.enable}, {"location", st.home.location}}},
          {"sftp", st.sftp},
          {"sessions", core.sessions.size()}};
}

Json statsJson(const Stats& s) {
  return {{"requests", s.requests},
          {"logins", s.logins},
          {"subrequests", s.subrequests},
          {"without_synotoken", s.without_synotoken},
          {"per_api", s.per_api}};
}

}  // namespace

void registerControlRoutes(httplib::Server& server, Core& core) {
  server.Post("/control/reset", wrap(core, [](Core& c, const Json&) {
                c.resetLocked();
                return Json::object();
              }, true));
  server.Get("/control/state", wrap(core, [](Core& c, const Json&) { return stateJson(c); }, false));
  server.Get("/control/stats", wrap(core, [](Core& c, const Json&) { return statsJson(c.stats); }, false));
  server.Post("/control/stats/reset", wrap(core, [](Core& c, const Json&) {
                c.stats = Stats{};
                return Json::object();
              }, false));
  server.Post("/control/groups", wrap(core, seedGroups, true));
  server.Post("/control/users", wrap(core, seedUsers, true));
  server.Post("/control/usage", wrap(core, setUsage, true));
  server.Post("/control/policy", wrap(core, setPolicy, true));
  server.Get("/control/faults", wrap(core, [](Core& c, const Json&) { return Json{{"faults", faultsJson(c.faults)}}; },
                                     false));
  server.Post("/control/faults", wrap(core, setFaults, false));
  server.Post("/control/faults/clear", wrap(core, [](Core& c, const Json&) {
                c.faults = c.initialFaults();  // the Options' latency stays
                return Json{{"faults", faultsJson(c.faults)}};
              }, false));
}

}  // namespace puq::sim
