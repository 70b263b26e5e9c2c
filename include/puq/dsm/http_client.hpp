#pragma once
// HttpClient: the real puq::dsm::Client. It speaks the DSM Web API over HTTP(S) to one NAS, as one
// account, with one shared DSM session (docs/dsm-client.md has the calls each method makes, the
// session and retry rules, TLS and the error table).
//
// Thread-safe: one instance is shared by every request to the same NAS and account (ClientPool).
// Each in-flight HTTP request uses its own keep-alive connection from a small per-client pool.
#include <condition_variable>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "puq/dsm/client.hpp"
#include "puq/dsm/errors.hpp"
#include "puq/dsm/reply.hpp"

namespace puq::dsm {

namespace detail {
class Transport;
}

class HttpClient : public Client {
 public:
  // The DSM session name (SYNO.API.Auth "session"); DSM tracks sids per name, so ours never ends an
  // operator's browser session.
  static constexpr const char* kSessionName = "puqSynology";

  explicit HttpClient(Endpoint endpoint);
  ~HttpClient() override;  // no network I/O: call logout() first for a clean end
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  const Endpoint& endpoint() const override { return endpoint_; }

  DsmInfo info() override;
  bool isAdministrator() override;

  std::vector<User> listUsers() override;
  std::optional<User> getUser(const std::string& name) override;
  User createUser(const NewUser& user) override;
  DeleteResult deleteUser(const std::string& name) override;
  void setUserExpired(const std::string& name, const std::string& expired) override;
  void setUserPassword(const std::string& name, const std::string& password) override;
  PasswordPolicy passwordPolicy() override;

  std::vector<Group> listGroups() override;
  std::vector<std::string> listGroupMembers(const std::string& group) override;
  // Both read the membership back and throw dsm_api when DSM said success but did nothing (it does:
  // Group.Member add answers success even for a wrong parameter name).
  void addGroupMembers(const std::string& group, const std::vector<std::string>& names) override;
  void removeGroupMembers(const std::string& group, const std::vector<std::string>& names) override;
  std::vector<std::string> userGroups(const std::string& name) override;

  HomeService homeService() override;
  void enableHomeService(const std::string& location) override;

  std::vector<UserUsage> usage(const std::vector<std::string>& names, size_t batch_size = 50,
                               size_t max_in_flight = 2) override;
  nlohmann::json compound(const nlohmann::json& requests, bool parallel, bool stop_when_error) override;

  void logout() noexcept override;

  // The answer of one DSM call: success with data, or DSM's error code (include/puq/dsm/reply.hpp).
  using Reply = DsmReply;

  // Generic escape hatch for calls this interface does not wrap (FileServ, AppPriv, Share...).
  // params are sent JSON-encoded; version 0 means the highest version Info offers. Throws DsmError
  // on failure. callReply() returns DSM's error codes as values instead.
  nlohmann::json call(const std::string& api, const std::string& method, const nlohmann::json& params, int version = 1);
  Reply callReply(const std::string& api, const std::string& method, const nlohmann::json& params, int version = 1);

  // True when Info lists the API (runs discovery if needed).
  bool hasApi(const std::string& api);

  // Builds the DsmError for a failed call: dsm_auth / dsm_otp / dsm_permission / dsm_user_exists /
  // dsm_api with describeDsmCode() text naming the API and the method.
  DsmError errorFor(const std::string& api, const std::string& method, int code) const;

 private:
  using ApiInfo = dsm::ApiInfo;
  using ApiTable = dsm::ApiTable;
  struct Session {
    std::string sid;
    std::string synotoken;
    int auth_version = 0;
    std::string auth_path;
    uint64_t attempt = 0;  // login attempt that minted it (single-flight bookkeeping)
  };

  std::shared_ptr<const ApiTable> apis();
  ApiInfo requireApi(const std::string& api, int version, const std::string& method);
  std::shared_ptr<const ApiTable> discover();

  // The shared session; logs in when there is none, or when `expired` is still the current one.
  // Single-flight: a caller arriving while a login runs waits for it and shares its outcome.
  Session obtainSession(const Session* expired);
  Session login(uint64_t attempt);

  // One HTTP request: builds the form, records the CallRecord, parses DSM's JSON envelope.
  Reply send(const std::string& path, const std::string& api, const std::string& method, int version,
             const nlohmann::json& params, const Session* session, bool json_values);
  Reply callWithSession(const std::string& api, const std::string& method, int version, const nlohmann::json& params);
  nlohmann::json callOrThrow(const std::string& api, const std::string& method, int version,
                             const nlohmann::json& params);

  std::vector<std::string> verifiedMembers(const std::string& group, const std::vector<std::string>& names,
                                           bool expect_present, const std::string& method);

  Endpoint endpoint_;
  std::unique_ptr<detail::Transport> transport_;

  std::mutex apis_mutex_;
  std::shared_ptr<const ApiTable> apis_;

  std::mutex session_mutex_;  // guards the session state below; never held during network I/O
  std::condition_variable login_finished_;
  bool login_running_ = false;
  uint64_t login_attempts_ = 0;
  std::optional<Session> session_;
  std::exception_ptr last_login_error_;  // of the last login, when it failed
};

// The factory ClientPool uses in the daemon: one HttpClient per endpoint.
std::shared_ptr<Client> makeHttpClient(const Endpoint& endpoint);
ClientPool::Factory httpClientFactory();

}  // namespace puq::dsm
