#include "puq/provisioning/provisioner.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "puq/common/error.hpp"
#include "puq/dsm/errors.hpp"
#include "puq/provisioning/password.hpp"
#include "puq/provisioning/settings.hpp"
#include "puq/provisioning/username_rule.hpp"

namespace puq::provisioning {
namespace {

// Names tried per create when DSM (3107) or another service (the reservation) already has one.
constexpr int kMaxNameAttempts = 8;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool sameName(const std::string& a, const std::string& b) { return lower(a) == lower(b); }

// One small `get` in the usual case. Its 3106 ("no such user") is not trusted on its own: a false 3106
// for an existing user has been seen (dsm-api.md §4), so "missing" is confirmed by a case-insensitive
// scan of the whole list, which costs O(users) but only when the user looks missing.
std::optional<dsm::User> findUser(dsm::Client& dsm, const std::string& name) {
  if (auto u = dsm.getUser(name); u && sameName(u->name, name)) return u;
  for (auto& u : dsm.listUsers())
    if (sameName(u.name, name)) return u;
  return std::nullopt;
}

bool containsName(const std::vector<std::string>& names, const std::string& name) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return sameName(n, name); });
}

whmcs::Service loadService(whmcs::Store& store, int64_t service_id, int64_t server_id) {
  auto svc = store.service(service_id);
  if (!svc) throw NotFound("WHMCS service #" + std::to_string(service_id) + " does not exist in tblhosting",
                           "service_not_found");
  if (server_id != 0 && svc->server_id != 0 && svc->server_id != server_id)
    throw BadRequest("Service #" + std::to_string(service_id) + " is assigned to server #" +
                         std::to_string(svc->server_id) + ", not to server #" + std::to_string(server_id),
                     "server_mismatch");
  return *svc;
}

bool hasGroup(const std::vector<std::string>& groups, const std::string& group) {
  return std::find(groups.begin(), groups.end(), group) != groups.end();
}

SettingError missingGroup(dsm::Client& dsm, const std::string& group) {
  return SettingError("Synology group '" + group + "' does not exist on the NAS at " + dsm.endpoint().baseUrl() +
                      ": create it in DSM (Control Panel > Group) or choose another group in the product's "
                      "Module Settings");
}

// Group.Member add answers success even when it did nothing (dsm-api.md §5); Client::addGroupMembers
// reads the membership back and throws when it is missing. One more try covers a NAS that was busy.
void putInGroup(dsm::Client& dsm, const std::string& group, const std::string& username) {
  try {
    dsm.addGroupMembers(group, {username});
    return;
  } catch (const dsm::DsmError& e) {
    spdlog::warn("Putting {} into group {} failed ({}); trying once more", username, group, e.what());
  }
  dsm.addGroupMembers(group, {username});
}

void ensureHomeService(dsm::Client& dsm) {
  auto home = dsm.homeService();
  if (home.enable) return;
  const std::string location = home.location.empty() ? "/volume1" : home.location;
  spdlog::info("User home service is off on {}; enabling it at {}", dsm.endpoint().baseUrl(), location);
  dsm.enableHomeService(location);
}

}  // namespace

Provisioner::NasFacts Provisioner::nasFacts(dsm::Client& dsm, bool refresh) {
  const std::string key = dsm.endpoint().sessionKey();
  const auto now = clock_.now();
  {
    std::lock_guard<std::mutex> lock(facts_mutex_);
    auto it = facts_.find(key);
    if (!refresh && it != facts_.end() && now - it->second.read_at < kNasFactsTtl) return it->second;
  }
  // Read outside the lock: two creates may both read; the later write wins, both are fresh.
  NasFacts facts;
  for (const auto& g : dsm.listGroups()) facts.groups.push_back(g.name);
  facts.policy = dsm.passwordPolicy();
  facts.home_enabled = dsm.homeService().enable;
  facts.read_at = now;
  std::lock_guard<std::mutex> lock(facts_mutex_);
  facts_[key] = facts;
  return facts;
}

Provisioner::NasFacts Provisioner::nasFactsWithGroup(dsm::Client& dsm, const std::string& group) {
  // A group missing from remembered facts is looked for once more: the admin may have just made it.
  NasFacts facts = nasFacts(dsm);
  if (hasGroup(facts.groups, group)) return facts;
  facts = nasFacts(dsm, /*refresh=*/true);
  if (!hasGroup(facts.groups, group)) throw missingGroup(dsm, group);
  return facts;
}

void Provisioner::rememberHomeEnabled(dsm::Client& dsm) {
  std::lock_guard<std::mutex> lock(facts_mutex_);
  auto it = facts_.find(dsm.endpoint().sessionKey());
  if (it != facts_.end()) it->second.home_enabled = true;
}

void Provisioner::forgetNasFacts(dsm::Client& dsm) {
  std::lock_guard<std::mutex> lock(facts_mutex_);
  facts_.erase(dsm.endpoint().sessionKey());
}

std::string ownershipMarker(int64_t service_id) { return "WHMCS service #" + std::to_string(service_id); }

Provisioner::Provisioner(whmcs::Store& store, RandomSource& random, const Clock& clock)
    : store_(store), random_(random), clock_(clock) {}

CreateResult Provisioner::create(dsm::Client& dsm, int64_t service_id, int64_t server_id) {
  const whmcs::Service svc = loadService(store_, service_id, server_id);
  const ProductSettings settings = parseProductSettings(svc.configoptions);
  settings.requireGroup();
  const UsernameRule rule = UsernameRule::parse(settings.username_rule);
  if (server_id == 0) server_id = svc.server_id;
  const std::string marker = ownershipMarker(service_id);

  // The group is checked before anything is created, so a typo in the product settings fails cleanly.
  const NasFacts facts = nasFactsWithGroup(dsm, settings.group);
  const dsm::PasswordPolicy& policy = facts.policy;

  CreateResult result;
  result.group = settings.group;
  bool user_made_now = false;

  auto earlier = store_.account(service_id);
  const bool resuming = earlier && earlier->server_id == server_id &&
                        (earlier->state == "creating" || earlier->state == "active" ||
                         earlier->state == "suspended");
  if (resuming) {
    // An earlier attempt chose this name. Adopt the DSM user only if it carries our marker.
    result.username = earlier->username;
    result.password = generatePassword(settings.password_length, policy, result.username, random_);
    if (auto existing = findUser(dsm, result.username)) {
      if (existing->description != marker)
        throw Conflict("DSM user '" + existing->name + "' exists on the NAS but was not created for service #" +
                           std::to_string(service_id) + " (its description is '" + existing->description +
                           "'). It was left untouched; rename or remove it in DSM, then retry.",
                       "dsm_user_not_ours");
      spdlog::info("Service #{}: completing an earlier create of DSM user {}", service_id, result.username);
      dsm.setUserPassword(result.username, result.password);
      result.created = false;
    } else {
      dsm.createUser({result.username, result.password, marker, svc.client_email});
      user_made_now = true;
    }
  } else {
    const UsernameContext ctx{svc.client_id, service_id};
    // Names in WHMCS are checked per candidate. Names on the NAS are not listed first (that read every
    // user: O(users) per create): DSM refuses a taken name with 3107, case-insensitively, and the next
    // candidate is tried. Names learnt that way are remembered for this call.
    std::vector<std::string> nas_names;
    auto taken = [&](const std::string& candidate) {
      return std::find(nas_names.begin(), nas_names.end(), lower(candidate)) != nas_names.end() ||
             store_.usernameInUse(server_id, candidate, service_id);
    };
    for (int attempt = 0;; ++attempt) {
      result.username = rule.generateUnique(ctx, random_, clock_, taken);
      try {
        store_.saveAccount({service_id, server_id, result.username, "creating", settings.group, "", ""});
      } catch (const Conflict&) {
        if (attempt >= kMaxNameAttempts) throw;
        nas_names.push_back(lower(result.username));
        continue;
      }
      result.password = generatePassword(settings.password_length, policy, result.username, random_);
      try {
        dsm.createUser({result.username, result.password, marker, svc.client_email});
        user_made_now = true;
        break;
      } catch (const dsm::DsmError& e) {
        if (e.code() != "dsm_user_exists" || attempt >= kMaxNameAttempts) throw;
        nas_names.push_back(lower(result.username));
        // Not "creating" any more: if no later name succeeds, a retry must not resume this one (it
        // belongs to a user that is not ours).
        store_.saveAccount({service_id, server_id, result.username, "failed", settings.group, "", ""});
      }
    }
  }

  try {
    if (!facts.home_enabled) {
      ensureHomeService(dsm);
      rememberHomeEnabled(dsm);
    }
    putInGroup(dsm, settings.group, result.username);
  } catch (const std::exception& e) {
    forgetNasFacts(dsm);  // a remembered fact may be what was wrong (a group deleted since)
    // Never leave a half-made account: remove the user this call created. If removal fails too, the
    // "creating" row stays, and a retry adopts the marked user and completes it.
    if (user_made_now) {
      try {
        dsm.deleteUser(result.username);
        store_.saveAccount({service_id, server_id, result.username, "failed", settings.group, "", ""});
        spdlog::warn("Service #{}: rolled back DSM user {} after: {}", service_id, result.username, e.what());
      } catch (const std::exception& cleanup) {
        spdlog::error("Service #{}: rollback of DSM user {} failed ({}); a retry will complete it", service_id,
                      result.username, cleanup.what());
      }
    }
    throw;
  }

  store_.setServiceUsername(service_id, result.username);
  store_.saveAccount({service_id, server_id, result.username, "active", settings.group, "", ""});
  spdlog::info("Service #{}: DSM user {} ready in group {} ({})", service_id, result.username, settings.group,
               result.created ? "created" : "completed earlier attempt");
  return result;
}

TerminateResult Provisioner::terminate(dsm::Client& dsm, int64_t service_id, int64_t server_id) {
  const whmcs::Service svc = loadService(store_, service_id, server_id);
  auto account = store_.account(service_id);
  TerminateResult result;
  result.username = !svc.username.empty() ? svc.username : (account ? account->username : "");
  if (result.username.empty()) {
    result.message = "No DSM username is recorded for service #" + std::to_string(service_id) +
                     "; there is nothing to delete on the NAS.";
    return result;
  }
  if (!findUser(dsm, result.username)) {
    result.message = "DSM user '" + result.username + "' was already gone from the NAS; nothing to delete.";
  } else {
    // A service's username can be edited by hand in WHMCS: never let that delete an administrator.
    if (containsName(dsm.userGroups(result.username), "administrators"))
      throw Conflict("DSM user '" + result.username + "' is a member of 'administrators'; refusing to delete "
                     "it. Check the username of service #" + std::to_string(service_id) + ".",
                     "refuse_delete_admin");
    result.deleted = dsm.deleteUser(result.username) == dsm::DeleteResult::Deleted;
    result.message = result.deleted
                         ? "DSM user '" + result.username + "' deleted."
                         : "DSM user '" + result.username + "' was already gone from the NAS; nothing to delete.";
  }
  if (account) {
    account->state = "terminated";
    store_.saveAccount(*account);
  }
  spdlog::info("Service #{}: {}", service_id, result.message);
  return result;
}

namespace {

// The DSM user of a service: its username in WHMCS, else the one the daemon recorded.
std::string serviceUsername(whmcs::Store& store, const whmcs::Service& svc) {
  if (!svc.username.empty()) return svc.username;
  if (auto account = store.account(svc.id)) return account->username;
  return {};
}

dsm::User requireUser(dsm::Client& dsm, const std::string& username, int64_t service_id) {
  if (username.empty())
    throw NotFound("Service #" + std::to_string(service_id) + " has no DSM username yet: run Create first",
                   "no_username");
  if (auto user = findUser(dsm, username)) return *user;
  throw NotFound("DSM user '" + username + "' of service #" + std::to_string(service_id) +
                     " does not exist on the NAS at " + dsm.endpoint().baseUrl() +
                     ". It may have been deleted in DSM; run Create to make it again.",
                 "dsm_user_missing");
}

void setState(whmcs::Store& store, int64_t service_id, const std::string& state) {
  if (auto account = store.account(service_id)) {
    account->state = state;
    store.saveAccount(*account);
  }
}

}  // namespace

namespace {

// Suspend and unsuspend differ only in the value of `expired` and the words; DSM's answer is read back
// because a `set` that reported success is not proof the state changed.
std::string applyExpired(whmcs::Store& store, dsm::Client& dsm, const whmcs::Service& svc,
                         const std::string& expired, const std::string& state, const char* verb) {
  const auto user = requireUser(dsm, serviceUsername(store, svc), svc.id);
  dsm.setUserExpired(user.name, expired);
  auto after = dsm.getUser(user.name);
  if (!after || after->expired != expired)
    throw dsm::DsmError("dsm_state_not_applied", std::string("The NAS did not ") + verb + " user '" + user.name +
                        "' although it reported success; try again or " + verb + " it in DSM.",
                        "SYNO.Core.User", "set");
  setState(store, svc.id, state);
  spdlog::info("Service #{}: DSM user {} {}d (expired={})", svc.id, user.name, verb, expired);
  return user.name;
}

}  // namespace

std::string Provisioner::suspend(dsm::Client& dsm, int64_t service_id, int64_t server_id) {
  return applyExpired(store_, dsm, loadService(store_, service_id, server_id), "now", "suspended", "disable");
}

std::string Provisioner::unsuspend(dsm::Client& dsm, int64_t service_id, int64_t server_id) {
  return applyExpired(store_, dsm, loadService(store_, service_id, server_id), "normal", "active", "enable");
}

std::string Provisioner::changePassword(dsm::Client& dsm, int64_t service_id, const std::string& password,
                                        int64_t server_id) {
  const auto svc = loadService(store_, service_id, server_id);
  const auto user = requireUser(dsm, serviceUsername(store_, svc), service_id);
  if (auto reason = checkPassword(password, dsm.passwordPolicy(), user.name))
    throw BadRequest("The new password was not accepted: " + *reason, "password_rejected");
  dsm.setUserPassword(user.name, password);
  spdlog::info("Service #{}: password of DSM user {} changed", service_id, user.name);
  return user.name;
}

AccountInfo Provisioner::changePackage(dsm::Client& dsm, int64_t service_id, int64_t server_id) {
  const auto svc = loadService(store_, service_id, server_id);
  const ProductSettings settings = parseProductSettings(svc.configoptions);
  settings.requireGroup();
  const auto user = requireUser(dsm, serviceUsername(store_, svc), service_id);
  nasFactsWithGroup(dsm, settings.group);

  auto account = store_.account(service_id);
  const std::string old_group = account ? account->group_name : "";
  putInGroup(dsm, settings.group, user.name);
  // Leave the old plan's group only after the new one is confirmed, so the user never has no plan.
  if (!old_group.empty() && old_group != settings.group && old_group != "users" && old_group != "administrators") {
    dsm.removeGroupMembers(old_group, {user.name});
    if (containsName(dsm.listGroupMembers(old_group), user.name))
      throw dsm::DsmError("dsm_group_remove_failed", "The NAS did not remove user '" + user.name +
                          "' from group '" + old_group + "' although it reported success.",
                          "SYNO.Core.Group.Member", "remove");
  }
  if (account) {
    account->group_name = settings.group;
    store_.saveAccount(*account);
  } else {
    store_.saveAccount({service_id, svc.server_id, user.name, "active", settings.group, "", ""});
  }
  spdlog::info("Service #{}: DSM user {} moved from group '{}' to '{}'", service_id, user.name, old_group,
               settings.group);
  return info(dsm, service_id, server_id);
}

AccountInfo Provisioner::info(dsm::Client& dsm, int64_t service_id, int64_t server_id) {
  const auto svc = loadService(store_, service_id, server_id);
  AccountInfo out;
  out.username = serviceUsername(store_, svc);
  try {
    out.group = parseProductSettings(svc.configoptions).group;
  } catch (const SettingError&) {
    // The tab still shows the DSM user when a setting is broken; the error shows on the next action.
  }
  if (out.username.empty()) return out;
  if (auto user = findUser(dsm, out.username)) {
    out.exists = true;
    out.username = user->name;
    out.expired = user->expired;
    out.email = user->email;
    out.description = user->description;
    out.groups = dsm.userGroups(user->name);
  }
  return out;
}

std::vector<NasAccount> Provisioner::listAccounts(dsm::Client& dsm) {
  std::vector<NasAccount> out;
  const std::string prefix = "WHMCS service #";
  // One request per group instead of one per user: a NAS has few groups and many users.
  std::map<std::string, std::vector<std::string>> groups_of;
  for (const auto& group : dsm.listGroups())
    for (const auto& member : dsm.listGroupMembers(group.name)) groups_of[lower(member)].push_back(group.name);
  for (const auto& user : dsm.listUsers()) {
    if (sameName(user.name, "admin") || sameName(user.name, "guest")) continue;
    NasAccount a;
    a.username = user.name;
    a.email = user.email;
    a.description = user.description;
    a.suspended = user.expired != "normal";
    a.groups = groups_of[lower(user.name)];
    if (containsName(a.groups, "administrators")) continue;
    if (user.description.rfind(prefix, 0) == 0) {
      try {
        a.service_id = std::stoll(user.description.substr(prefix.size()));
      } catch (const std::exception&) {
        a.service_id = 0;
      }
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace puq::provisioning
