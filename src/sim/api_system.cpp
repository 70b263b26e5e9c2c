// SYNO.DSM.Info, SYNO.Core.Quota, SYNO.Core.User.Home, SYNO.Core.FileServ.FTP.SFTP and
// SYNO.Core.AppPriv.* (dsm-api.md §6-§8).
#include <algorithm>
#include <chrono>
#include <ctime>
#include <regex>

#include "api.hpp"

namespace puq::sim {

namespace {

// ---- SYNO.DSM.Info getinfo (v2): fixture dsm.info.getinfo.dsm7.json, values from Options ----

Json dsmInfo(Ctx& ctx) {
  const Options& o = ctx.options();
  std::smatch m;
  static const std::regex build_re(R"(-(\d+))");
  std::string build = std::regex_search(o.version_string, m, build_re) ? m[1].str() : "0";
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char time_buf[64];
  std::strftime(time_buf, sizeof time_buf, "%a %b %e %H:%M:%S %Y", &tm);  // ctime style, as captured
  auto uptime = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - ctx.core.started).count();
  return okBody({{"codepage", o.codepage},
                 {"model", o.model},
                 {"ram", o.ram_mb},
                 {"serial", o.serial},
                 {"temperature", o.temperature},
                 {"temperature_warn", false},
                 {"time", time_buf},
                 {"uptime", uptime},
                 {"version", build},
                 {"version_string", o.version_string}});
}

// ---- SYNO.Core.Quota ----

constexpr int kNoSubject = 5403;  // PMI: get without a usable subject

Json quotaGet(Ctx& ctx) {
  const std::string name = ctx.requireString("name", kNoSubject);
  const std::string subject = ctx.optString("subject_type").value_or("user");
  ctx.optBool("support_share_quota");
  const SimState& st = ctx.state();
  if (subject == "group") {
    const GroupRecord* g = st.findGroup(name);
    if (!g) return errorBody(3205);
    // Fixture core.quota.get.group.json: group entries carry no "used".
    Json share = {{"description", "user home"}, {"name", "homes"}, {"quota", g->quota_mb}};
    return okBody({{"group_quota",
                    {{{"deduped", false},
                      {"quota_status", "v1"},
                      {"shares", {share}},
                      {"support_share_quota", true},
                      {"volume", "/volume1"}}}}});
  }
  if (subject != "user") return errorBody(kNoSubject);
  const UserRecord* u = st.findUser(name);
  if (!u) return errorBody(3106);
  // Shape from HELPER's reading of user_quota (dsm-api.md §6); MB, quota 0 = unlimited.
  Json share = {{"description", "user home"}, {"name", "homes"}, {"quota", u->quota_mb}, {"used", u->used_mb}};
  return okBody({{"user_quota",
                  {{{"deduped", false},
                    {"quota_status", "v1"},
                    {"shares", {share}},
                    {"support_share_quota", true},
                    {"volume", "/volume1"}}}}});
}

// set name=<subject> user_quota|group_quota=[{"volume":…,"shares":[{"name":"homes","quota":MB}]}]:
// the analogy dsm-api.md §6 suggests (unverified on a real NAS). Only the "homes" share is modelled.
Json quotaSet(Ctx& ctx) {
  const std::string name = ctx.requireString("name", kNoSubject);
  const std::string subject = ctx.optString("subject_type").value_or("user");
  const char* key = subject == "group" ? "group_quota" : "user_quota";
  const Json* list = ctx.find(key);
  if (!list || !list->is_array()) return errorBody(3103);
  std::optional<int64_t> homes_quota;
  for (const auto& vol : *list) {
    if (!vol.is_object() || !vol.contains("shares") || !vol["shares"].is_array()) return errorBody(3103);
    for (const auto& share : vol["shares"]) {
      if (!share.is_object() || !share.value("quota", Json()).is_number_integer()) return errorBody(3103);
      if (share.value("name", "") == "homes") homes_quota = share["quota"].get<int64_t>();
    }
  }
  SimState& st = ctx.state();
  if (subject == "group") {
    GroupRecord* g = st.findGroup(name);
    if (!g) return errorBody(3205);
    if (homes_quota) g->quota_mb = *homes_quota;
  } else {
    UserRecord* u = st.findUser(name);
    if (!u) return errorBody(3106);
    if (homes_quota) u->quota_mb = *homes_quota;
  }
  return okBody();
}

// ---- SYNO.Core.User.Home (fixture core.user.home.get.json; rules from BAT) ----

Json homeGet(Ctx& ctx) {
  const HomeService& h = ctx.state().home;
  Json data = {{"enable", h.enable},
               {"enable_domain", false},
               {"enable_ldap", false},
               {"enable_recycle_bin", h.enable_recycle_bin},
               {"encryption", 0},
               {"location", h.location},
               {"remote_location", ""},
               {"userhome_in_s2s", false}};
  for (const auto& a : ctx.optStringArray("additional", 3103).value_or(std::vector<std::string>{}))
    if (a == "personal_photo_enable") data["additional"]["personal_photo_enable"] = false;
  return okBody(data);
}

Json homeSet(Ctx& ctx) {
  auto enable = ctx.optBool("enable");
  if (!enable) return errorBody(3103);
  HomeService& h = ctx.state().home;
  if (!*enable) {
    if (ctx.has("location") || ctx.has("enable_recycle_bin")) return errorBody(3103);  // BAT: enable=false only
    h.enable = false;
    return okBody();
  }
  auto location = ctx.optString("location", 3101);
  if (!location) return errorBody(3103);  // BAT: missing location
  // A volume path, e.g. /volume1 (BAT: "volume1" → 3101). Sub-folders are refused too (an assumption).
  static const std::regex volume_re(R"(^(/volume\d+)/?$)");
  std::smatch m;
  if (!std::regex_match(*location, m, volume_re)) return errorBody(3101);
  auto recycle = ctx.optBool("enable_recycle_bin");
  ctx.optBool("force");
  h.enable = true;
  h.location = m[1].str();
  if (recycle) h.enable_recycle_bin = *recycle;
  return okBody();
}

// ---- SYNO.Core.FileServ.FTP.SFTP (fixtures core.fileserv.ftp.sftp.{get,set}.json) ----

Json sftpGet(Ctx& ctx) { return okBody(ctx.state().sftp); }

Json sftpSet(Ctx& ctx) {
  auto enable = ctx.optBool("enable");
  auto port = ctx.optInt("portnum");
  if (port && (*port < 1 || *port > 65535)) return errorBody(3103);
  if (enable) ctx.state().sftp["enable"] = *enable;
  if (port) ctx.state().sftp["portnum"] = *port;
  return okBody();
}

// ---- SYNO.Core.AppPriv.Rule / .App (fixtures core.apppriv.*; SPIKE) ----

constexpr int kAppPrivBadParam = 3400;

bool sameEntity(const Json& a, const Json& b) {
  return a.value("app_id", "") == b.value("app_id", "") && a.value("entity_type", "") == b.value("entity_type", "") &&
         a.value("entity_name", "") == b.value("entity_name", "");
}

Json ruleList(Ctx& ctx) {
  auto app_id = ctx.optString("app_id", kAppPrivBadParam);
  Json rules = Json::array();
  for (const auto& r : ctx.state().app_rules)
    if (!app_id || r.value("app_id", "") == *app_id) rules.push_back(r);
  return okBody({{"rules", rules}});
}

// The rows of `rules`, each completed with the call's app_id when it has none.
std::optional<std::vector<Json>> ruleRows(const Ctx& ctx) {
  auto app_id = ctx.optString("app_id", kAppPrivBadParam);
  const Json* rules = ctx.find("rules");
  if (!rules || !rules->is_array()) return std::nullopt;
  std::vector<Json> out;
  for (auto r : *rules) {
    if (!r.is_object()) return std::nullopt;
    if (!r.contains("app_id") && app_id) r["app_id"] = *app_id;
    if (!r.value("app_id", Json()).is_string() || !r.value("entity_type", Json()).is_string() ||
        !r.value("entity_name", Json()).is_string())
      return std::nullopt;
    Json row = {{"allow_ip", r.value("allow_ip", Json::array())},
                {"app_id", r["app_id"]},
                {"deny_ip", r.value("deny_ip", Json::array())},
                {"entity_name", r["entity_name"]},
                {"entity_type", r["entity_type"]}};
    out.push_back(row);
  }
  return out;
}

Json ruleSet(Ctx& ctx) {
  auto rows = ruleRows(ctx);
  if (!rows) return errorBody(kAppPrivBadParam);
  Json& all = ctx.state().app_rules;
  for (const auto& row : *rows) {
    bool replaced = false;
    for (auto& existing : all)
      if (sameEntity(existing, row)) existing = row, replaced = true;
    if (!replaced) all.push_back(row);
  }
  return okBody();
}

Json ruleDelete(Ctx& ctx) {
  auto rows = ruleRows(ctx);
  if (!rows) return errorBody(kAppPrivBadParam);
  Json kept = Json::array();
  for (const auto& existing : ctx.state().app_rules) {
    bool drop = false;
    for (const auto& row : *rows) drop = drop || sameEntity(existing, row);
    if (!drop) kept.push_back(existing);
  }
  ctx.state().app_rules = kept;
  return okBody();
}

// Users an application admits: some rule (everyone, the user, one of its groups) allows, and none
// denies; a deny wins over an allow (SPEC). IP lists are read as "any" when non-empty.
Json appAllowed(Ctx& ctx) {
  const std::string app_id = ctx.requireString("app_id", kAppPrivBadParam);
  const SimState& st = ctx.state();
  std::vector<const UserRecord*> allowed;
  for (const UserRecord* u : st.usersSorted()) {
    auto groups = st.groupsOf(nameKey(u->name));
    bool allow = false, deny = false;
    for (const auto& r : st.app_rules) {
      if (r.value("app_id", "") != app_id) continue;
      const std::string type = r.value("entity_type", ""), entity = r.value("entity_name", "");
      bool applies = type == "everyone" || (type == "user" && nameKey(entity) == nameKey(u->name)) ||
                     (type == "group" && std::any_of(groups.begin(), groups.end(), [&](const std::string& g) {
                        return nameKey(g) == nameKey(entity);
                      }));
      if (!applies) continue;
      allow = allow || !r.value("allow_ip", Json::array()).empty();
      deny = deny || !r.value("deny_ip", Json::array()).empty();
    }
    if (allow && !deny) allowed.push_back(u);
  }
  auto [begin, end] = pageRange(ctx, allowed.size());
  Json rows = Json::array();
  for (size_t i = begin; i < end; ++i) rows.push_back({{"name", allowed[i]->name}});
  return okBody({{"offset", begin}, {"total", allowed.size()}, {"users", rows}});
}

}  // namespace

void addSystemApis(ApiTable& table) {
  // dsm-api.md §8: normal users may call DSM.Info too.
  table["SYNO.DSM.Info"] = ApiSpec{true, false, 120, {{"getinfo", {dsmInfo, false}}}};
  table["SYNO.Core.Quota"] =
      ApiSpec{true, true, kNoSubject, {{"get", {quotaGet, false}}, {"set", {quotaSet, true}}}};
  table["SYNO.Core.User.Home"] = ApiSpec{true, true, 3103, {{"get", {homeGet, false}}, {"set", {homeSet, true}}}};
  table["SYNO.Core.FileServ.FTP.SFTP"] =
      ApiSpec{true, true, 3103, {{"get", {sftpGet, false}}, {"set", {sftpSet, true}}}};
  table["SYNO.Core.AppPriv.Rule"] = ApiSpec{
      true, true, kAppPrivBadParam,
      {{"list", {ruleList, false}}, {"set", {ruleSet, true}}, {"delete", {ruleDelete, true}}}};
  table["SYNO.Core.AppPriv.App"] = ApiSpec{true, true, kAppPrivBadParam, {{"allowed", {appAllowed, false}}}};
}

}  // namespace puq::sim
