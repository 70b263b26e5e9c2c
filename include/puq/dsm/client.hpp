#pragma once
// The DSM Web API as the rest of the daemon sees it: a small interface so tests can swap in a fake,
// and one real implementation (HttpClient, see http_client.hpp) that speaks to a NAS over HTTP(S).
//
// Failures that break the flow throw puq::dsm::DsmError (errors.hpp); expected outcomes are values:
// getUser() returns nullopt for a missing user, deleteUser() returns DeleteResult::NotFound.
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "puq/dsm/types.hpp"

namespace puq::dsm {

class Client {
 public:
  virtual ~Client() = default;

  virtual const Endpoint& endpoint() const = 0;

  // SYNO.DSM.Info getinfo (v2).
  virtual DsmInfo info() = 0;
  // True when the logged-in account may use administrator APIs (SYNO.Core.User list succeeds).
  virtual bool isAdministrator() = 0;

  // SYNO.Core.User
  virtual std::vector<User> listUsers() = 0;                   // list type=local limit=-1, uid requested
  virtual std::optional<User> getUser(const std::string& name) = 0;  // 3106 -> nullopt
  virtual User createUser(const NewUser& user) = 0;            // 3107 -> DsmError code "dsm_user_exists"
  virtual DeleteResult deleteUser(const std::string& name) = 0;
  virtual void setUserExpired(const std::string& name, const std::string& expired) = 0;
  virtual void setUserPassword(const std::string& name, const std::string& password) = 0;
  virtual PasswordPolicy passwordPolicy() = 0;                 // SYNO.Core.User.PasswordPolicy get

  // Groups and membership
  virtual std::vector<Group> listGroups() = 0;                 // SYNO.Core.Group list type=local
  virtual std::vector<std::string> listGroupMembers(const std::string& group) = 0;  // Group.Member list
  // Both read the membership back before returning (DSM's add/remove can answer success while doing
  // nothing) and throw DsmError when the change is not there.
  virtual void addGroupMembers(const std::string& group, const std::vector<std::string>& names) = 0;
  virtual void removeGroupMembers(const std::string& group, const std::vector<std::string>& names) = 0;
  virtual std::vector<std::string> userGroups(const std::string& name) = 0;  // SYNO.Core.User.Group get

  // Home folder service (SYNO.Core.User.Home)
  virtual HomeService homeService() = 0;
  virtual void enableHomeService(const std::string& location) = 0;

  // Usage of many users: SYNO.Core.Quota get per user, batched in SYNO.Entry.Request compound
  // requests of at most batch_size sub-requests, with at most max_in_flight requests at once.
  virtual std::vector<UserUsage> usage(const std::vector<std::string>& names, size_t batch_size = 50,
                                       size_t max_in_flight = 2) = 0;

  // SYNO.Entry.Request: raw compound call. requests are {"api","method","version",...params} objects.
  // Returns data.result (one element per sub-request).
  virtual nlohmann::json compound(const nlohmann::json& requests, bool parallel, bool stop_when_error) = 0;

  // SYNO.API.Auth logout of the cached session, if any. Never throws.
  virtual void logout() noexcept = 0;
};

// One line of the module log: a DSM request the daemon made on behalf of a module call, with every
// secret (passwords, sid, SynoToken) already masked.
struct CallRecord {
  std::string api;
  std::string method;
  int version = 0;
  std::string request;   // form body / parameters, masked
  std::string response;  // response body, masked and truncated
  int http_status = 0;
  double elapsed_ms = 0;
};

// Collects the CallRecords of the DSM calls made on the current thread while it is alive (RAII).
// The API layer opens one per module call and returns the records so the PHP module can write them
// with logModuleCall. Nested scopes are not supported; calls made on other threads are not recorded.
class CallRecorder {
 public:
  CallRecorder();
  ~CallRecorder();
  CallRecorder(const CallRecorder&) = delete;
  CallRecorder& operator=(const CallRecorder&) = delete;
  const std::vector<CallRecord>& records() const { return records_; }
  // Appends to the recorder of this thread, if one is open.
  static void record(CallRecord r);

 private:
  std::vector<CallRecord> records_;
};

// Hands out one shared Client per Endpoint::sessionKey(), so concurrent requests to one NAS share one
// login. The real factory creates HttpClient; tests pass their own.
class ClientPool {
 public:
  using Factory = std::function<std::shared_ptr<Client>(const Endpoint&)>;
  explicit ClientPool(Factory factory);
  // Returns the client for this endpoint; if the password changed since, the old session is dropped.
  std::shared_ptr<Client> get(const Endpoint& endpoint);
  // Logs out of every NAS (clean shutdown).
  void logoutAll() noexcept;
  size_t size() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace puq::dsm
