#pragma once
// The daemon's HTTP API: one route table and one wrapper (authentication, JSON decoding, DSM call
// recording, error mapping) around every handler, in the manner of PowerDNS's apiWrapper.
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "puq/common/config.hpp"
#include "puq/common/error.hpp"
#include "puq/dsm/client.hpp"
#include "puq/provisioning/provisioner.hpp"
#include "puq/whmcs/store.hpp"

namespace puq::usage {
struct SyncReport;
class UsageStore;
class UsageSync;
class Notifications;
class EmailTemplates;
}  // namespace puq::usage

namespace puq::api {

// What the handlers work with. Owned by main(), outlives the server.
struct Services {
  whmcs::Store& store;
  dsm::ClientPool& dsm_pool;
  provisioning::Provisioner& provisioner;
  const Config& config;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  // The usage concern (docs/usage.md); a route answers 503 not_configured while one is null.
  usage::UsageSync* usage_sync = nullptr;
  usage::Notifications* notifications = nullptr;
  usage::EmailTemplates* email_templates = nullptr;
  // Read-only queries of the operations routes (GET /v1/status, /metrics, the command line); those
  // routes answer 503 not_configured while it is null (/metrics leaves out puq_outbox_pending).
  usage::UsageStore* usage_store = nullptr;
};

using Handler = std::function<nlohmann::json(const nlohmann::json& body)>;

struct Route {
  std::string method;  // "GET" or "POST"
  std::string path;    // "/v1/account/create"
  Handler handler;
  // Empty: the answer is JSON. Otherwise a successful answer is the JSON string the handler returns,
  // sent as is with this content type (GET /metrics); errors stay JSON.
  std::string content_type = {};
  // Also accept "Authorization: Bearer <[daemon] metrics_token>" instead of a signed request, when a
  // token is configured (GET /metrics only).
  bool bearer_token = false;
};

// The routes of this version of the API (docs/api.md).
std::vector<Route> makeRoutes(Services& services);
// The usage, notification and email template routes (src/api/routes_usage.cpp); part of makeRoutes().
std::vector<Route> makeUsageRoutes(Services& services);
// The operations routes (src/api/routes_ops.cpp, docs/operations.md): GET /metrics, GET /v1/status,
// the stored-credentials sync and reconcile, the outbox list; part of makeRoutes().
std::vector<Route> makeOpsRoutes(Services& services);

class ApiServer {
 public:
  // `secret` is the shared HMAC secret (already loaded and checked).
  ApiServer(const Config& config, std::string secret, std::vector<Route> routes);
  ~ApiServer();
  // Binds the listen address; returns the port (useful when listen_port is 0). Throws puq::ConfigError.
  int bind();
  // Serves until stop(); call after bind().
  void serve();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Request decoding shared by the handlers; each throws puq::BadRequest naming the field.
int64_t requireId(const nlohmann::json& body, const char* field);
std::string requireString(const nlohmann::json& body, const char* field);
dsm::Endpoint requireServer(const nlohmann::json& body, const DsmSettings& dsm);

// A service object the daemon was wired without (Services members left null): 503 not_configured.
template <typename T>
T& required(T* service, const char* what) {
  if (service == nullptr) throw Error("not_configured", std::string("The daemon was started without ") + what, 503);
  return *service;
}
// The answer of the usage sync routes (docs/api.md).
nlohmann::json syncReportJson(const usage::SyncReport& report);

}  // namespace puq::api
