#pragma once
// The service life on one NAS: what CreateAccount, TerminateAccount (and later Suspend, Unsuspend,
// ChangePassword, ChangePackage) do, step by step, with the WHMCS database and DSM behind interfaces.
//
// Retry safety rests on two records made *before* the DSM user exists:
//   1. mod_puqsynology_accounts holds the chosen username in state "creating";
//   2. the DSM user's description carries the marker "WHMCS service #<id>".
// A retried create finds the row, finds the user on the NAS with the same marker, and completes the
// work instead of making a second user; a user with that name but without the marker is never adopted.
#include <cstdint>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "puq/dsm/client.hpp"
#include "puq/provisioning/clock.hpp"
#include "puq/provisioning/random.hpp"
#include "puq/whmcs/store.hpp"

namespace puq::provisioning {

struct CreateResult {
  std::string username;
  std::string password;
  std::string group;
  bool created = true;  // false when an earlier attempt of this service had already made the user
};

struct TerminateResult {
  std::string username;
  bool deleted = false;
  std::string message;
};

// What the admin service tab shows about the DSM user of a service.
struct AccountInfo {
  std::string username;
  bool exists = false;
  std::string expired;  // "normal", "now" or a date
  std::string email;
  std::string description;
  std::vector<std::string> groups;
  std::string group;    // the product's group, for comparison
};

// A user on the NAS as Server Sync (ListAccounts) sees it.
struct NasAccount {
  std::string username;
  std::string email;
  std::string description;
  bool suspended = false;
  std::vector<std::string> groups;
  int64_t service_id = 0;  // from the ownership marker, 0 when the user was not made by us
};

// "WHMCS service #42": written into the DSM user's description, the proof that a user is ours.
std::string ownershipMarker(int64_t service_id);

// Every operation takes the WHMCS server id of the request (`server_id`, 0 = unknown): the service
// must be on that server. It is passed separately because one DSM session (one Client) may serve
// several WHMCS server records that point at the same NAS and account.
class Provisioner {
 public:
  Provisioner(whmcs::Store& store, RandomSource& random, const Clock& clock);

  CreateResult create(dsm::Client& dsm, int64_t service_id, int64_t server_id = 0);
  TerminateResult terminate(dsm::Client& dsm, int64_t service_id, int64_t server_id = 0);
  // expired="now" / "normal", read back. Return the username.
  std::string suspend(dsm::Client& dsm, int64_t service_id, int64_t server_id = 0);
  std::string unsuspend(dsm::Client& dsm, int64_t service_id, int64_t server_id = 0);
  // Checks the password against the NAS's policy first, then `set name password` and nothing else.
  std::string changePassword(dsm::Client& dsm, int64_t service_id, const std::string& password,
                             int64_t server_id = 0);
  // Moves the user from the group it was put in to the group of the service's (new) product.
  AccountInfo changePackage(dsm::Client& dsm, int64_t service_id, int64_t server_id = 0);
  AccountInfo info(dsm::Client& dsm, int64_t service_id, int64_t server_id = 0);
  // Every local user of the NAS except the built-in and administrator accounts.
  std::vector<NasAccount> listAccounts(dsm::Client& dsm);

  // How long the NAS facts every create checks (its groups, its password policy, whether the home
  // service is on) are remembered per NAS: a burst of creates asks for them once.
  static constexpr std::chrono::seconds kNasFactsTtl{60};

 private:
  struct NasFacts {
    std::vector<std::string> groups;
    dsm::PasswordPolicy policy;
    bool home_enabled = false;
    std::chrono::system_clock::time_point read_at;
  };
  // The facts of the NAS behind `dsm`, read again when older than kNasFactsTtl or when `refresh`.
  NasFacts nasFacts(dsm::Client& dsm, bool refresh = false);
  // The facts, checked to hold `group` (read again once if not); else the SettingError naming it.
  NasFacts nasFactsWithGroup(dsm::Client& dsm, const std::string& group);
  void forgetNasFacts(dsm::Client& dsm);
  void rememberHomeEnabled(dsm::Client& dsm);

  whmcs::Store& store_;
  RandomSource& random_;
  const Clock& clock_;
  std::mutex facts_mutex_;
  std::map<std::string, NasFacts> facts_;  // by NAS URL and account
};

}  // namespace puq::provisioning
