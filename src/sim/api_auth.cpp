// SYNO.API.Info and SYNO.API.Auth (dsm-api.md §1-§2).
// Auth has no requestFormat:"JSON" in Info, so its values arrive as raw strings: a JSON-quoted
// password is taken literally, as every known client sends login fields raw.
#include <algorithm>
#include <sstream>

#include "api.hpp"

namespace puq::sim {

namespace {

Json infoQuery(Ctx& ctx) {
  const Json& catalog = apiCatalog(ctx.options().profile);
  const Json* query = ctx.find("query");
  std::vector<std::string> wanted;
  if (query && query->is_array()) {
    for (const auto& q : *query)
      if (q.is_string()) wanted.push_back(q.get<std::string>());
  } else if (query && query->is_string()) {
    std::stringstream ss(query->get<std::string>());
    std::string item;
    while (std::getline(ss, item, ',')) {
      auto b = item.find_first_not_of(' '), e = item.find_last_not_of(' ');
      if (b != std::string::npos) wanted.push_back(item.substr(b, e - b + 1));
    }
  } else if (query) {
    throw BadParam{ctx.bad_param_code};
  }
  // A missing query answers like query=all (an assumption; every known client sends it).
  bool all = !query;
  for (const auto& w : wanted)
    if (w == "all") all = true;
  if (all) return okBody(catalog);
  Json data = Json::object();
  for (const auto& w : wanted) {
    auto it = catalog.find(w);
    if (it != catalog.end()) data[w] = *it;
  }
  return okBody(data);
}

std::string rawParam(Ctx& ctx, const char* key) {
  const Json* v = ctx.find(key);
  if (!v) return "";
  return v->is_string() ? v->get<std::string>() : v->dump();
}

Json authLogin(Ctx& ctx) {
  const std::string account = rawParam(ctx, "account");
  const std::string passwd = rawParam(ctx, "passwd");
  SimState& st = ctx.state();
  UserRecord* user = account.empty() ? nullptr : st.findUser(account);
  if (!user || user->password != passwd) return errorBody(400);
  if (isExpired(user->expired)) return errorBody(401);

  bool state_changed = false;
  if (!user->otp_code.empty()) {
    const std::string device_id = rawParam(ctx, "device_id");
    bool trusted_device = !device_id.empty() && std::find(user->device_tokens.begin(), user->device_tokens.end(),
                                                          device_id) != user->device_tokens.end();
    if (!trusted_device) {
      if (!ctx.has("otp_code"))
        return errorBody(403, {{"token", randomToken(32)}, {"types", {{{"type", "otp"}}}}});
      if (rawParam(ctx, "otp_code") != user->otp_code) return errorBody(404);
    }
  }

  Session s;
  s.sid = randomToken(43);
  s.user_key = nameKey(user->name);
  s.auth_version = ctx.version;
  s.session_name = rawParam(ctx, "session");
  s.last_used = Clock::now();

  // Key set of fixtures auth.login.v7.json / *.otp_device.json; no DSM 7.2 extras (account, ik_message).
  Json data = {{"is_portal_port", false}, {"sid", s.sid}};
  if (rawParam(ctx, "enable_syno_token") == "yes" && ctx.version >= 3) {  // MIB: none below v3
    s.synotoken = randomToken(13);
    data["synotoken"] = s.synotoken;
  }
  if (rawParam(ctx, "enable_device_token") == "yes") {
    std::string token = randomToken(86);  // JW measured 86 characters on DSM 7.2.1
    user->device_tokens.push_back(token);
    if (user->device_tokens.size() > 16) user->device_tokens.erase(user->device_tokens.begin());
    data[ctx.options().profile == "dsm6" ? "did" : "device_id"] = token;
    state_changed = true;
  }
  // format=cookie (DSM's default) also sets the sid as cookie "id"; data keeps the sid either way, as
  // clients sending format=cookie still read data.sid (N4S4's older auth.py).
  const std::string format = rawParam(ctx, "format");
  if (ctx.headers_out && format != "sid")
    ctx.headers_out->emplace_back("Set-Cookie", "id=" + s.sid + "; path=/; HttpOnly");

  ctx.core.sessions[s.sid] = s;
  ctx.core.stats.logins++;
  if (state_changed) ctx.core.persistLocked();
  return okBody(data);
}

Json authLogout(Ctx& ctx) {
  // Idempotent: an unknown or missing sid still answers success (fixture auth.logout.json).
  if (!ctx.sid.empty()) ctx.core.sessions.erase(ctx.sid);
  return okBody();
}

}  // namespace

void addAuthApis(ApiTable& table) {
  table["SYNO.API.Info"] = ApiSpec{false, false, 120, {{"query", {infoQuery, false}}}};
  table["SYNO.API.Auth"] =
      ApiSpec{false, false, 400, {{"login", {authLogin, false}}, {"logout", {authLogout, false}}}};
}

}  // namespace puq::sim
