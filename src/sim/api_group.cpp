// SYNO.Core.Group and SYNO.Core.Group.Member (dsm-api.md §5). Bad arguments answer 3201.
#include "api.hpp"

namespace puq::sim {

namespace {

constexpr int kBadGroupArgument = 3201;
constexpr int kNoSuchGroup = 3205;
constexpr int kGroupExists = 3206;

bool isBuiltinGroup(const GroupRecord& g) { return g.gid < 65536; }

// `name` as a JSON array of strings; DSM also seems to take a single string on get (accepted here).
std::vector<std::string> groupNames(const Ctx& ctx) {
  const Json* v = ctx.find("name");
  if (!v) throw BadParam{kBadGroupArgument};
  if (v->is_string()) return {v->get<std::string>()};
  return ctx.optStringArray("name").value();
}

Json groupList(Ctx& ctx) {
  if (ctx.optString("type").value_or("local") != "local") return errorBody(kBadGroupArgument);
  // SPIKE saw no gid in list; N4S4's capture with name_only=false has it. Both are honoured.
  bool with_gid = !ctx.optBool("name_only").value_or(true);
  // HELPER: user="bob" marks is_member on every row.
  auto member = ctx.optString("user");
  const UserRecord* member_user = member ? ctx.state().findUser(*member) : nullptr;
  auto groups = ctx.state().groupsSorted();
  auto [begin, end] = pageRange(ctx, groups.size());
  Json rows = Json::array();
  for (size_t i = begin; i < end; ++i) {
    const GroupRecord& g = *groups[i];
    Json row = {{"description", g.description}, {"name", g.name}};
    if (with_gid) row["gid"] = g.gid;
    if (member) row["is_member"] = member_user && g.members.count(nameKey(member_user->name)) > 0;
    rows.push_back(row);
  }
  return okBody({{"groups", rows}, {"offset", begin}, {"total", groups.size()}});
}

Json groupGet(Ctx& ctx) {
  Json rows = Json::array();
  Json errors = Json::array();
  for (const auto& name : groupNames(ctx)) {
    const GroupRecord* g = ctx.state().findGroup(name);
    if (g) rows.push_back({{"description", g->description}, {"gid", g->gid}, {"name", g->name}});
    else errors.push_back({{"code", kNoSuchGroup}});  // SPIKE: success with errors, not a failure
  }
  Json data = {{"groups", rows}};
  if (!errors.empty()) data["errors"] = errors;
  return okBody(data);
}

Json groupCreate(Ctx& ctx) {
  const std::string name = ctx.requireString("name");
  const std::string description = ctx.optString("description").value_or("");
  if (!isValidGroupName(name) || utf8Length(description) > 64) return errorBody(kBadGroupArgument);
  if (ctx.state().findGroup(name)) return errorBody(kGroupExists);
  const GroupRecord& g = ctx.state().addGroup(name, description);
  return okBody({{"gid", g.gid}, {"name", g.name}});  // fixture core.group.create.json
}

Json groupSet(Ctx& ctx) {
  SimState& st = ctx.state();
  GroupRecord* g = st.findGroup(ctx.requireString("name"));
  if (!g) return errorBody(kNoSuchGroup);
  auto new_name = ctx.optString("new_name");
  auto description = ctx.optString("description");
  if (description && utf8Length(*description) > 64) return errorBody(kBadGroupArgument);
  if (new_name && *new_name != g->name) {
    if (isBuiltinGroup(*g) || !isValidGroupName(*new_name)) return errorBody(kBadGroupArgument);
    const GroupRecord* other = st.findGroup(*new_name);
    if (other && other != g) return errorBody(kGroupExists);
  }
  if (description) g->description = *description;
  if (new_name && *new_name != g->name) {
    auto node = st.groups.extract(nameKey(g->name));
    node.mapped().name = *new_name;
    node.key() = nameKey(*new_name);
    st.groups.insert(std::move(node));
  }
  return okBody();
}

Json groupDelete(Ctx& ctx) {
  const Json* names = ctx.find("name");
  if (!names || !names->is_array()) return errorBody(kBadGroupArgument);  // a JSON array, as for users
  SimState& st = ctx.state();
  std::vector<std::string> keys;
  for (const auto& n : *names) {
    if (!n.is_string()) return errorBody(kBadGroupArgument);
    const GroupRecord* g = st.findGroup(n.get<std::string>());
    if (!g) continue;  // already gone: same answer
    if (isBuiltinGroup(*g)) return errorBody(kBadGroupArgument);  // SPEC: built-ins cannot be deleted
    keys.push_back(nameKey(g->name));
  }
  for (const auto& key : keys) st.groups.erase(key);
  return okBody(Json::object());  // fixture core.group.delete.json
}

// ---- SYNO.Core.Group.Member ----

Json memberList(Ctx& ctx) {
  SimState& st = ctx.state();
  const GroupRecord* g = st.findGroup(ctx.requireString("group"));
  if (!g) return errorBody(kNoSuchGroup);
  bool in_group = ctx.optBool("ingroup").value_or(true);  // N4S4: false lists the non-members
  std::vector<const UserRecord*> users;
  for (const UserRecord* u : st.usersSorted())
    if ((g->members.count(nameKey(u->name)) > 0) == in_group) users.push_back(u);
  auto [begin, end] = pageRange(ctx, users.size());
  Json rows = Json::array();
  for (size_t i = begin; i < end; ++i)
    rows.push_back({{"description", users[i]->description}, {"name", users[i]->name}, {"uid", users[i]->uid}});
  return okBody({{"offset", begin}, {"total", users.size()}, {"users", rows}});
}

// The names under `key` when it is a JSON array of strings; anything else (missing, misspelt, a string)
// yields nothing. DSM answers success in those cases too (SPIKE: "this call lies").
std::vector<std::string> quietNameList(const Ctx& ctx, const char* key) {
  const Json* v = ctx.find(key);
  std::vector<std::string> out;
  if (!v || !v->is_array()) return out;
  for (const auto& e : *v)
    if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

void addMembers(SimState& st, GroupRecord& g, const std::vector<std::string>& names) {
  for (const auto& n : names)
    if (const UserRecord* u = st.findUser(n)) g.members.insert(nameKey(u->name));
}

void removeMembers(SimState& st, GroupRecord& g, const std::vector<std::string>& names) {
  if (g.name == "users") return;  // every user stays in "users" (SPEC)
  for (const auto& n : names)
    if (const UserRecord* u = st.findUser(n)) g.members.erase(nameKey(u->name));
}

GroupRecord* memberGroup(const Ctx& ctx) { return ctx.state().findGroup(ctx.requireString("group")); }

Json memberAdd(Ctx& ctx) {
  GroupRecord* g = memberGroup(ctx);
  if (!g) return errorBody(kNoSuchGroup);
  addMembers(ctx.state(), *g, quietNameList(ctx, "name"));
  return okBody(Json::object());  // fixture core.group.member.add.json, whatever happened
}

Json memberRemove(Ctx& ctx) {
  GroupRecord* g = memberGroup(ctx);
  if (!g) return errorBody(kNoSuchGroup);
  removeMembers(ctx.state(), *g, quietNameList(ctx, "name"));
  return okBody(Json::object());
}

Json memberChange(Ctx& ctx) {
  GroupRecord* g = memberGroup(ctx);
  if (!g) return errorBody(kNoSuchGroup);
  addMembers(ctx.state(), *g, quietNameList(ctx, "add_member"));
  removeMembers(ctx.state(), *g, quietNameList(ctx, "remove_member"));
  return okBody(Json::object());
}

}  // namespace

void addGroupApis(ApiTable& table) {
  table["SYNO.Core.Group"] = ApiSpec{true, true, kBadGroupArgument,
                                     {{"list", {groupList, false}},
                                      {"get", {groupGet, false}},
                                      {"create", {groupCreate, true}},
                                      {"set", {groupSet, true}},
                                      {"delete", {groupDelete, true}}}};
  table["SYNO.Core.Group.Member"] = ApiSpec{true, true, kBadGroupArgument,
                                            {{"list", {memberList, false}},
                                             {"add", {memberAdd, true}},
                                             {"remove", {memberRemove, true}},
                                             {"change", {memberChange, true}}}};
}

}  // namespace puq::sim
