#pragma once
// The simulated NAS: local users, local groups, the password policy and the home service.
// Plain data plus the rules DSM applies to it (dsm-api.md §4-§7). No HTTP, no locking: the caller
// (Core, core.hpp) holds the one mutex around every use.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "puq/sim/simulator.hpp"

namespace puq::sim {

struct UserRecord {
  std::string name;  // as created (DSM keeps the case, compares without it)
  int64_t uid = 0;
  std::string password;
  std::vector<std::string> password_history;  // earlier passwords, newest last (policy history_num)
  std::string description;
  std::string email;
  std::string expired = "normal";  // "normal" | "now" | "YYYY/M/D"
  bool cannot_chg_passwd = false;
  bool passwd_never_expire = false;
  int64_t password_last_change = 0;  // days since the Unix epoch
  int64_t used_mb = 0;               // usage of the "homes" share, set through /control
  int64_t quota_mb = 0;              // 0 = unlimited
  std::string otp_code;              // non-empty: 2FA is on and this fixed code is accepted
  std::vector<std::string> device_tokens;  // issued with enable_device_token=yes; skip the OTP step
};

struct GroupRecord {
  std::string name;
  int64_t gid = 0;
  std::string description;
  std::set<std::string> members;  // user keys (lower-case names)
  int64_t quota_mb = 0;           // group quota on /volume1 "homes" (Quota get subject_type=group)
};

struct HomeService {
  bool enable = false;  // a fresh DSM has the user home service off
  std::string location = "/volume1";
  bool enable_recycle_bin = true;
};

// Lower-cases ASCII letters: DSM compares user and group names without case (dsm-api.md §4).
std::string nameKey(const std::string& name);

struct SimState {
  std::map<std::string, UserRecord> users;    // key: nameKey(name)
  std::map<std::string, GroupRecord> groups;  // key: nameKey(name)
  int64_t next_uid = 1026;                    // never reused (dsm-api.md §4)
  int64_t next_gid = 65536;
  nlohmann::json password_policy;  // the "data" object of PasswordPolicy get
  HomeService home;
  nlohmann::json sftp = {{"enable", false}, {"portnum", 22}};  // SYNO.Core.FileServ.FTP.SFTP get
  nlohmann::json app_rules = nlohmann::json::array();  // SYNO.Core.AppPriv.Rule rows (fixture shape)

  // admin (1024) and guest (1025), disabled; the three built-in groups; the Options admin account.
  static SimState initial(const Options& options);
  nlohmann::json toJson() const;  // the state file format
  static SimState fromJson(const nlohmann::json& j);  // throws std::exception on a bad file

  UserRecord* findUser(const std::string& name);
  const UserRecord* findUser(const std::string& name) const;
  GroupRecord* findGroup(const std::string& name);
  const GroupRecord* findGroup(const std::string& name) const;

  // Creates the user (uid from next_uid) and puts it in "users". No validation: callers check first.
  UserRecord& addUser(const std::string& name, const std::string& password);
  GroupRecord& addGroup(const std::string& name, const std::string& description);
  void removeUser(const std::string& key);
  void renameUser(const std::string& old_key, const std::string& new_name);

  bool isAdministrator(const std::string& user_key) const;
  std::vector<std::string> groupsOf(const std::string& user_key) const;  // sorted without case
  std::vector<const UserRecord*> usersSorted() const;    // by name, without case
  std::vector<const GroupRecord*> groupsSorted() const;  // by name, without case
};

// ---- DSM's rules (rules.cpp) ----

int64_t daysSinceEpoch();
// Valid local user name: 1..64 code points, none of /\[]:;|=,+*?<>"@, no control character, no leading
// '-', valid UTF-8. Reserved names are checked separately.
bool isValidUserName(const std::string& name);
// Same character rules, 1..32 code points (dsm-api.md §4 "Username rules").
bool isValidGroupName(const std::string& name);
size_t utf8Length(const std::string& s);  // code points; SIZE_MAX for invalid UTF-8
// admin, guest, root, SynologyCMS, MAILER-DAEMON, POSTMASTER and the UsernamePolicy list.
bool isReservedUserName(const std::string& name);
const std::vector<std::string>& usernamePolicyList();
// "normal" | "now" | a real date "YYYY/M/D" (leading zeros allowed). Returns the value DSM stores
// (dates without leading zeros), or nullopt (3103) for anything else such as ISO "2027-03-05".
std::optional<std::string> normalizeExpired(const std::string& value);
// True when the account cannot log in: "now", or a date that has passed.
bool isExpired(const std::string& expired);
// True when the password satisfies the policy's strong_password rules for this user.
bool passwordMeetsPolicy(const nlohmann::json& policy, const std::string& user_name,
                         const std::string& password, const std::vector<std::string>& history);
nlohmann::json defaultPasswordPolicy();
// Random token of `length` characters from [A-Za-z0-9_-] (sids, SynoTokens, device tokens).
std::string randomToken(size_t length);

}  // namespace puq::sim
