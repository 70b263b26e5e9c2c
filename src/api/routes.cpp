// The route table of API v1 (docs/api.md). Handlers decode their typed request, call one service
// object, and encode the answer; they never touch sockets or SQL themselves.
#include <algorithm>

#include "puq/api/server.hpp"
#include "puq/common/log.hpp"
#include "puq/dsm/errors.hpp"
#include "puq/version.hpp"

namespace puq::api {
namespace {

nlohmann::json accountInfoJson(const provisioning::AccountInfo& a) {
  return {{"username", a.username}, {"exists", a.exists},     {"expired", a.expired}, {"email", a.email},
          {"description", a.description}, {"groups", a.groups}, {"group", a.group}};
}

}  // namespace

std::vector<Route> makeRoutes(Services& s) {
  std::vector<Route> routes;

  routes.push_back({"GET", "/v1/health", [&s](const nlohmann::json&) {
                      const bool db_ok = s.store.ping();
                      const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
                                              std::chrono::steady_clock::now() - s.started)
                                              .count();
                      return nlohmann::json{{"status", db_ok ? "ok" : "degraded"},
                                            {"version", puq::kVersion},
                                            {"database", db_ok ? "ok" : "unreachable"},
                                            {"uptime_seconds", uptime}};
                    }});

  routes.push_back({"POST", "/v1/server/test", [&s](const nlohmann::json& body) {
                      const auto endpoint = requireServer(body, s.config.dsm);
                      auto client = s.dsm_pool.get(endpoint);
                      const auto info = client->info();
                      const bool admin = client->isAdministrator();
                      if (!admin)
                        throw dsm::DsmError("dsm_not_admin",
                                            "Connected to " + info.model + " (" + info.version_string +
                                                "), but the account '" + client->endpoint().username +
                                                "' is not in the DSM 'administrators' group; the module needs an "
                                                "administrator to manage users.",
                                            "SYNO.Core.User", "list", 105);
                      return nlohmann::json{{"model", info.model},
                                            {"version_string", info.version_string},
                                            {"dsm_major", info.major},
                                            {"dsm_minor", info.minor},
                                            {"administrator", admin}};
                    }});

  routes.push_back({"POST", "/v1/server/groups", [&s](const nlohmann::json& body) {
                      const auto endpoint = requireServer(body, s.config.dsm);
                      auto client = s.dsm_pool.get(endpoint);
                      auto groups = client->listGroups();
                      std::sort(groups.begin(), groups.end(),
                                [](const dsm::Group& a, const dsm::Group& b) { return a.name < b.name; });
                      nlohmann::json out = nlohmann::json::array();
                      for (const auto& g : groups) out.push_back({{"name", g.name}, {"description", g.description}});
                      return nlohmann::json{{"groups", out}};
                    }});

  routes.push_back({"POST", "/v1/account/create", [&s](const nlohmann::json& body) {
                      const auto endpoint = requireServer(body, s.config.dsm);
                      auto client = s.dsm_pool.get(endpoint);
                      const auto r = s.provisioner.create(*client, requireId(body, "service_id"), endpoint.server_id);
                      puq::log::registerSecret(r.password);
                      return nlohmann::json{{"username", r.username},
                                            {"password", r.password},
                                            {"group", r.group},
                                            {"created", r.created}};
                    }});

  routes.push_back({"POST", "/v1/account/terminate", [&s](const nlohmann::json& body) {
                      const auto endpoint = requireServer(body, s.config.dsm);
                      auto client = s.dsm_pool.get(endpoint);
                      const auto r = s.provisioner.terminate(*client, requireId(body, "service_id"), endpoint.server_id);
                      return nlohmann::json{{"username", r.username}, {"deleted", r.deleted}, {"message", r.message}};
                    }});

  routes.push_back({"POST", "/v1/account/suspend", [&s](const nlohmann::json& body) {
                      const auto endpoint = requireServer(body, s.config.dsm);
                      auto client = s.dsm_pool.get(endpoint);
                      return nlohmann::json{
                          {"username", s.provisioner.suspend(*client, requireId(body, "service_id"), endpoint.server_id)},
                          {"expired", "now"}};
                    }});

  routes.push_back({"POST", "/v1/account/unsuspend", [&s](const nlohmann::json& body) {
                      const auto endpoint = requireServer(body, s.config.dsm);
                      auto client = s.dsm_pool.get(endpoint);
                      return nlohmann::json{
                          {"username", s.provisioner.unsuspend(*client, requireId(body, "service_id"), endpoint.server_id)},
                          {"expired", "normal"}};
                    }});

  routes.push_back({"POST", "/v1/account/change-password", [&s](const nlohmann::json& body) {
                      const auto endpoint = requireServer(body, s.config.dsm);
                      auto client = s.dsm_pool.get(endpoint);
                      const auto password = requireString(body, "password");
                      puq::log::registerSecret(password);
                      return nlohmann::json{{"username", s.provisioner.changePassword(
                                                             *client, requireId(body, "service_id"), password, endpoint.server_id)}};
                    }});

  routes.push_back({"POST", "/v1/account/change-package", [&s](const nlohmann::json& body) {
                      const auto endpoint = requireServer(body, s.config.dsm);
                      auto client = s.dsm_pool.get(endpoint);
                      return accountInfoJson(s.provisioner.changePackage(*client, requireId(body, "service_id"), endpoint.server_id));
                    }});

  routes.push_back({"POST", "/v1/account/info", [&s](const nlohmann::json& body) {
                      const auto endpoint = requireServer(body, s.config.dsm);
                      auto client = s.dsm_pool.get(endpoint);
                      return accountInfoJson(s.provisioner.info(*client, requireId(body, "service_id"), endpoint.server_id));
                    }});

  routes.push_back({"POST", "/v1/server/accounts", [&s](const nlohmann::json& body) {
                      const auto endpoint = requireServer(body, s.config.dsm);
                      auto client = s.dsm_pool.get(endpoint);
                      nlohmann::json out = nlohmann::json::array();
                      for (const auto& a : s.provisioner.listAccounts(*client)) {
                        // DSM keeps no creation date; for our own users the account record has one.
                        std::string created;
                        if (a.service_id > 0)
                          if (auto account = s.store.account(a.service_id)) created = account->created_at;
                        out.push_back({{"username", a.username},
                                       {"email", a.email},
                                       {"description", a.description},
                                       {"status", a.suspended ? "Suspended" : "Active"},
                                       {"groups", a.groups},
                                       {"service_id", a.service_id},
                                       {"created", created}});
                      }
                      return nlohmann::json{{"accounts", out}};
                    }});

  for (auto& r : makeUsageRoutes(s)) routes.push_back(std::move(r));
  for (auto& r : makeOpsRoutes(s)) routes.push_back(std::move(r));
  return routes;
}

}  // namespace puq::api
