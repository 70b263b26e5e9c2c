// The dispatcher: DSM's checks in DSM's order, then the handler (dsm-api.md §2-§3).
//   101 missing api/method/version -> 102 unknown API (or not served on this .cgi) -> 104 version out of
//   range (checked before the method, PMI) -> 103 unknown method -> injected fault -> session
//   (119/106/107) -> 105 non-admin on SYNO.Core.* -> 105 write from an Auth < 7 sid on dsm7 ->
//   parameter decoding (3103 for True/False) -> handler.
#include <algorithm>

#include "api.hpp"

namespace puq::sim {

namespace {

bool isJsonFormat(const Json& catalog_entry) {
  return catalog_entry.value("requestFormat", "") == "JSON";
}

// Which .cgi answers an API: its Info path, plus the aliases a real DSM 7 keeps (query.cgi still
// answers SYNO.API.Info and auth.cgi still answers SYNO.API.Auth, dsm-api.md §1-§2).
bool servedOn(const std::string& cgi, const std::string& api, const Json& entry) {
  if (entry.value("path", "") == cgi) return true;
  if (cgi == "query.cgi" && api == "SYNO.API.Info") return true;
  if (cgi == "auth.cgi" && api == "SYNO.API.Auth") return true;
  return false;
}

std::optional<int> parseVersion(const Json& v) {
  if (v.is_number_integer()) return v.get<int>();
  if (!v.is_string()) return std::nullopt;
  const auto& s = v.get_ref<const std::string&>();
  if (s.empty() || s.size() > 6) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  return std::stoi(s);
}

// dsm-api.md §3 simulator rule: try JSON, else keep the raw string; Python-style booleans are refused.
// Returns false for a value DSM answers 3103 to.
bool decodeParams(const Json& raw, bool json_format, Json& out) {
  out = Json::object();
  for (const auto& [key, value] : raw.items()) {
    if (!json_format || !value.is_string()) {
      out[key] = value;
      continue;
    }
    const auto& s = value.get_ref<const std::string&>();
    if (s == "True" || s == "False") return false;
    auto parsed = Json::parse(s, nullptr, false);
    out[key] = parsed.is_discarded() ? Json(s) : std::move(parsed);
  }
  return true;
}

CallResult errorResult(int code) {
  CallResult r{errorBody(code), {}};
  // JW/SPIKE: DSM flags these two in a header as well (fixtures error.119.json, error.105.json).
  if (code == 119) r.headers.emplace_back("x-request-error", "unauth");
  if (code == 105) r.headers.emplace_back("x-request-error", "noprivilege");
  return r;
}

}  // namespace

WebApi::WebApi(Core& core) : core_(core) {
  addAuthApis(table_);
  addUserApis(table_);
  addGroupApis(table_);
  addSystemApis(table_);
  table_["SYNO.Entry.Request"] = ApiSpec{true, false, 120, {{"request", {runCompound, false}}}};
}

CallResult WebApi::call(const CallInput& in) { return dispatch(in, false); }

CallResult WebApi::dispatch(const CallInput& in, bool sub_request) {
  if (!in.api || !in.method || !in.version || in.api->empty() || in.method->empty()) return errorResult(101);
  const std::string& api = *in.api;
  const std::string& method = *in.method;

  const Json& catalog = apiCatalog(core_.options.profile);
  auto entry_it = catalog.find(api);
  if (entry_it == catalog.end()) return errorResult(102);
  if (!sub_request && !servedOn(in.cgi, api, *entry_it)) return errorResult(102);
  auto version = parseVersion(*in.version);
  if (!version || *version < entry_it->at("minVersion").get<int>() ||
      *version > entry_it->at("maxVersion").get<int>())
    return errorResult(104);

  if (sub_request && api == "SYNO.Entry.Request") return errorResult(103);  // no nesting
  auto spec_it = table_.find(api);
  if (spec_it == table_.end()) return errorResult(103);  // listed by Info, not simulated
  const ApiSpec& spec = spec_it->second;
  auto method_it = spec.methods.find(method);
  if (method_it == spec.methods.end()) return errorResult(103);
  const MethodSpec& mspec = method_it->second;

  std::unique_lock<std::mutex> lock(core_.mu);
  core_.stats.per_api[api]++;

  for (auto it = core_.faults.fail.begin(); it != core_.faults.fail.end(); ++it) {
    bool any_method = it->method.empty() || it->method == "*";
    if (it->api != api || (!any_method && it->method != method)) continue;
    int code = it->code;
    if (it->remaining > 0 && --it->remaining == 0) core_.faults.fail.erase(it);
    return errorResult(code);
  }

  const Session* session = nullptr;
  if (spec.needs_session) {
    auto s_it = in.sid.empty() ? core_.sessions.end() : core_.sessions.find(in.sid);
    if (s_it == core_.sessions.end()) return errorResult(119);
    Session& s = s_it->second;
    if (s.revoked_code) return errorResult(s.revoked_code);
    auto now = Clock::now();
    if (now - s.last_used > std::chrono::seconds(core_.options.session_idle_seconds)) {
      s.revoked_code = 106;
      return errorResult(106);
    }
    if (!core_.state.users.count(s.user_key)) return errorResult(119);  // account deleted meanwhile
    if (!s.synotoken.empty()) {
      // A wrong token is refused like a bad sid; a missing one is accepted but counted (see docs).
      if (!in.synotoken) {
        if (!sub_request) core_.stats.without_synotoken++;
      } else if (*in.synotoken != s.synotoken) {
        return errorResult(119);
      }
    }
    s.last_used = now;
    session = &s;
    if (spec.admin_only && !core_.state.isAdministrator(s.user_key)) return errorResult(105);
    if (mspec.write && core_.options.profile == "dsm7" && s.auth_version < 7) return errorResult(105);
  }

  Json params;
  bool json_format = isJsonFormat(*entry_it);
  if (!decodeParams(in.params, in.raw_strings && json_format, params)) return errorResult(3103);

  CallResult result;
  HeaderList* headers_out = sub_request ? nullptr : &result.headers;
  Ctx ctx{core_, *this, api, method, *version, params, session, in.sid, in.synotoken, spec.bad_param_code,
          headers_out};
  try {
    if (api == "SYNO.Entry.Request") {
      lock.unlock();  // sub-requests lock on their own and sleep in between
      result.body = mspec.handler(ctx);
      return result;
    }
    result.body = mspec.handler(ctx);
  } catch (const BadParam& bad) {
    return errorResult(bad.code);
  }
  if (mspec.write && result.body.value("success", false)) core_.persistLocked();
  if (!result.body.value("success", false)) {
    int code = result.body["error"].value("code", 0);
    if (code == 105 || code == 119) {
      auto flagged = errorResult(code);
      result.headers.insert(result.headers.end(), flagged.headers.begin(), flagged.headers.end());
    }
  }
  return result;
}

// ---- Ctx accessors and envelopes ----

const Json* Ctx::find(const char* key) const {
  auto it = params.find(key);
  return it == params.end() ? nullptr : &*it;
}

std::optional<std::string> Ctx::optString(const char* key, int code) const {
  const Json* v = find(key);
  if (!v) return std::nullopt;
  if (!v->is_string()) throw BadParam{code ? code : bad_param_code};
  return v->get<std::string>();
}

std::string Ctx::requireString(const char* key, int code) const {
  auto v = optString(key, code);
  if (!v) throw BadParam{code ? code : bad_param_code};
  return *v;
}

std::optional<bool> Ctx::optBool(const char* key, int code) const {
  const Json* v = find(key);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) throw BadParam{code ? code : bad_param_code};
  return v->get<bool>();
}

std::optional<int64_t> Ctx::optInt(const char* key, int code) const {
  const Json* v = find(key);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) throw BadParam{code ? code : bad_param_code};
  return v->get<int64_t>();
}

std::optional<std::vector<std::string>> Ctx::optStringArray(const char* key, int code) const {
  const Json* v = find(key);
  if (!v) return std::nullopt;
  if (!v->is_array()) throw BadParam{code ? code : bad_param_code};
  std::vector<std::string> out;
  for (const auto& e : *v) {
    if (!e.is_string()) throw BadParam{code ? code : bad_param_code};
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::pair<size_t, size_t> pageRange(const Ctx& ctx, size_t total) {
  int64_t offset = ctx.optInt("offset").value_or(0);
  int64_t limit = ctx.optInt("limit").value_or(-1);
  if (offset < 0 || limit < -1) throw BadParam{ctx.bad_param_code};
  size_t begin = std::min(static_cast<size_t>(offset), total);
  size_t end = limit == -1 ? total : std::min(total, begin + static_cast<size_t>(limit));
  return {begin, end};
}

Json okBody() { return {{"success", true}}; }
Json okBody(Json data) { return {{"data", std::move(data)}, {"success", true}}; }
Json errorBody(int code) { return {{"error", {{"code", code}}}, {"success", false}}; }
Json errorBody(int code, Json errors) {
  return {{"error", {{"code", code}, {"errors", std::move(errors)}}}, {"success", false}};
}

}  // namespace puq::sim
