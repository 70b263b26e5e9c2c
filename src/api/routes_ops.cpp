// The operations routes (docs/api.md "Operations", docs/operations.md): the Prometheus metrics, the
// status overview, and what the command line needs to work without WHMCS: a usage sync and an
// account reconciliation with the server credentials stored in tblservers, and the outbox list.
#include <algorithm>
#include <cctype>
#include <map>

#include <spdlog/spdlog.h>

#include "puq/api/server.hpp"
#include "puq/common/error.hpp"
#include "puq/common/metrics.hpp"
#include "puq/usage/usage_store.hpp"
#include "puq/usage/usage_sync.hpp"
#include "puq/version.hpp"
#include "puq/whmcs/password_crypt.hpp"

namespace puq::api {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  const char* ws = " \t\r\n";
  const auto begin = s.find_first_not_of(ws);
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(ws) - begin + 1);
}

int64_t uptimeSeconds(const Services& s) {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - s.started).count();
}

// WHMCS stores "on" for a ticked box; the PHP module's Server::flag() reads it the same way.
bool flag(const std::string& value) {
  const std::string v = lower(trim(value));
  return !(v.empty() || v == "0" || v == "off" || v == "false" || v == "no");
}

// false only for an Access Hash line verify_tls=0 (or no, false, off), as the PHP module's
// Server::verifyTls() reads it.
bool verifyTls(const std::string& accesshash) {
  size_t pos = 0;
  while (pos <= accesshash.size()) {
    size_t end = accesshash.find_first_of("\r\n;", pos);
    if (end == std::string::npos) end = accesshash.size();
    const std::string line = trim(accesshash.substr(pos, end - pos));
    const auto sep = line.find_first_of("=:");
    if (sep != std::string::npos && lower(trim(line.substr(0, sep))) == "verify_tls") {
      const std::string v = lower(trim(line.substr(sep + 1)));
      return !(v == "0" || v == "no" || v == "false" || v == "off");
    }
    pos = end + 1;
  }
  return true;
}

// A password WHMCS stored is text: valid UTF-8 without control characters. Bytes that are not are what
// a wrong $cc_encryption_hash decrypts to.
bool looksLikeText(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t extra = 0;
    if (c < 0x20 || c == 0x7F) return false;
    if (c < 0x80)
      extra = 0;
    else if ((c & 0xE0) == 0xC0 && c >= 0xC2)
      extra = 1;
    else if ((c & 0xF0) == 0xE0)
      extra = 2;
    else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
      extra = 3;
    else
      return false;
    if (i + extra >= s.size()) return false;  // a sequence cut off at the end
    for (size_t k = 1; k <= extra; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += extra + 1;
  }
  return true;
}

const char* kNeedsConfiguration =
    "sync from the command line needs [database] whmcs_configuration so the daemon can read the server "
    "password; or press 'Sync usage now' in WHMCS";

struct StoredEndpoint {
  dsm::Endpoint endpoint;
  std::string name;
};

// The endpoint of a WHMCS server from tblservers, its password decrypted with $cc_encryption_hash.
StoredEndpoint storedEndpoint(Services& s, int64_t server_id) {
  auto& store = required(s.usage_store, "the usage store");
  if (s.config.whmcs_configuration.empty()) throw Conflict(kNeedsConfiguration, "stored_credentials_unavailable");
  if (s.config.whmcs_cc_encryption_hash.empty())
    throw Conflict(std::string(kNeedsConfiguration) + " (" + s.config.whmcs_configuration +
                       " has no $cc_encryption_hash written as a plain quoted value)",
                   "stored_credentials_unavailable");
  const auto row = store.storedServer(server_id);
  if (!row) throw NotFound("WHMCS server " + std::to_string(server_id) + " does not exist", "server_not_found");
  const std::string what = "WHMCS server " + std::to_string(server_id) + " (" + row->name + ")";
  if (lower(row->type) != "puqsynology")
    throw Conflict(what + " uses the module '" + row->type + "', not puqSynology", "server_not_puqsynology");
  std::string host = trim(row->hostname);
  if (host.empty()) host = trim(row->ipaddress);
  if (host.empty())
    throw Conflict(what + " has no hostname or IP address: set one in WHMCS (System Settings > Servers)",
                   "server_host_missing");
  const auto password = whmcs::decryptWhmcsPassword(row->password, s.config.whmcs_cc_encryption_hash);
  if (!password || password->empty())
    throw Conflict(what + ": the stored password cannot be decrypted (empty, or not in WHMCS's format); "
                       "set the password again in WHMCS, or press 'Sync usage now' in WHMCS",
                   "server_password_unreadable");
  if (!looksLikeText(*password))
    throw Conflict(what + ": the stored password decrypts to bytes that are not text, so $cc_encryption_hash in " +
                       s.config.whmcs_configuration +
                       " is not the key WHMCS encrypted it with; point [database] whmcs_configuration at the "
                       "configuration.php of this WHMCS",
                   "server_password_unreadable");
  nlohmann::json server = {{"id", server_id},
                           {"host", host},
                           {"secure", flag(row->secure)},
                           {"username", row->username},
                           {"password", *password},  // requireServer registers it for log redaction
                           {"verify_tls", verifyTls(row->accesshash)}};
  if (row->port > 0) server["port"] = row->port;
  return {requireServer(nlohmann::json{{"server", server}}, s.config.dsm), row->name};
}

nlohmann::json nullableText(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

std::string optionalStatus(const nlohmann::json& body) {
  auto it = body.find("status");
  if (it == body.end() || it->is_null()) return "";
  if (!it->is_string()) throw BadRequest("Field 'status' must be \"pending\", \"sent\" or \"failed\"");
  const std::string status = it->get<std::string>();
  if (status != "" && status != "pending" && status != "sent" && status != "failed")
    throw BadRequest("Field 'status' must be \"pending\", \"sent\" or \"failed\"");
  return status;
}

nlohmann::json countsJson(const std::map<std::string, int64_t>& counts) {
  nlohmann::json out = {{"pending", 0}, {"sent", 0}, {"failed", 0}};
  for (const auto& [status, n] : counts) out[status] = n;
  return out;
}

}  // namespace

std::vector<Route> makeOpsRoutes(Services& s) {
  std::vector<Route> routes;

  Route metrics{"GET", "/metrics", [&s](const nlohmann::json&) {
                  auto& m = metrics::standard();
                  m.uptime.set(static_cast<double>(uptimeSeconds(s)));
                  bool db_up = false;
                  if (s.usage_store != nullptr) {
                    try {
                      const auto counts = s.usage_store->outboxCounts();
                      const auto it = counts.find("pending");
                      m.outbox_pending.set(it == counts.end() ? 0.0 : static_cast<double>(it->second));
                      db_up = true;
                    } catch (const std::exception& e) {
                      spdlog::debug("/metrics: outbox not readable: {}", e.what());
                      m.outbox_pending.remove();
                    }
                  } else {
                    db_up = s.store.ping();
                  }
                  m.database_up.set(db_up ? 1 : 0);
                  return nlohmann::json(metrics::defaultRegistry().render());
                }};
  metrics.content_type = metrics::kContentType;
  metrics.bearer_token = true;
  routes.push_back(std::move(metrics));

  routes.push_back({"GET", "/v1/status", [&s](const nlohmann::json&) {
                      auto& store = required(s.usage_store, "the usage store");
                      nlohmann::json out = {{"version", puq::kVersion},
                                            {"uptime_seconds", uptimeSeconds(s)},
                                            {"database", "ok"},
                                            {"schema_version", nullptr},
                                            {"notifications", countsJson({})},
                                            {"servers", nlohmann::json::array()}};
                      nlohmann::json stored = {{"available", true}, {"reason", ""}};
                      if (s.config.whmcs_configuration.empty() || s.config.whmcs_cc_encryption_hash.empty()) {
                        stored = {{"available", false}, {"reason", kNeedsConfiguration}};
                      }
                      out["stored_credentials"] = stored;
                      try {
                        out["schema_version"] = s.store.schemaVersion();
                        out["notifications"] = countsJson(store.outboxCounts());
                        for (const auto& o : store.serverOverview()) {
                          out["servers"].push_back({{"id", o.id},
                                                    {"name", o.name},
                                                    {"hostname", o.hostname},
                                                    {"ipaddress", o.ipaddress},
                                                    {"port", o.port},
                                                    {"secure", o.secure},
                                                    {"disabled", o.disabled},
                                                    {"services", o.services},
                                                    {"last_usage_update", nullableText(o.last_usage_update)},
                                                    {"notifications_pending", o.notifications_pending},
                                                    {"notifications_failed", o.notifications_failed}});
                        }
                      } catch (const puq::DatabaseError& e) {
                        // The status of a daemon whose database is down is still an answer.
                        out["database"] = "unreachable";
                        out["database_error"] = e.what();
                      }
                      return out;
                    }});

  routes.push_back({"POST", "/v1/usage/sync-stored", [&s](const nlohmann::json& body) {
                      const int64_t server_id = requireId(body, "server_id");
                      auto& sync = required(s.usage_sync, "the usage sync");
                      const auto stored = storedEndpoint(s, server_id);
                      auto client = s.dsm_pool.get(stored.endpoint);
                      nlohmann::json out = syncReportJson(sync.sync(*client, server_id));
                      out["server_name"] = stored.name;
                      return out;
                    }});

  routes.push_back({"POST", "/v1/server/reconcile-stored", [&s](const nlohmann::json& body) {
                      const int64_t server_id = requireId(body, "server_id");
                      const auto stored = storedEndpoint(s, server_id);
                      auto client = s.dsm_pool.get(stored.endpoint);
                      const auto accounts = s.provisioner.listAccounts(*client);
                      const auto services = s.store.servicesOnServer(server_id);
                      std::map<std::string, const whmcs::Service*> by_name;
                      for (const auto& svc : services) by_name[lower(svc.username)] = &svc;

                      std::map<std::string, bool> seen;
                      nlohmann::json orphans = nlohmann::json::array();
                      int64_t matched = 0;
                      for (const auto& a : accounts) {
                        auto it = by_name.find(lower(a.username));
                        if (it != by_name.end()) {
                          ++matched;
                          seen[it->first] = true;
                          continue;
                        }
                        std::string reason;
                        if (a.service_id == 0) {
                          reason = "not made by puqSynology (no 'WHMCS service #' marker in its description)";
                        } else if (auto svc = s.store.service(a.service_id); !svc) {
                          reason = "made for service #" + std::to_string(a.service_id) + ", which no longer exists";
                        } else if (svc->server_id != server_id) {
                          reason = "made for service #" + std::to_string(a.service_id) + ", which is now on server " +
                                   std::to_string(svc->server_id);
                        } else if (svc->status == "Terminated" || svc->status == "Cancelled" ||
                                   svc->status == "Fraud") {
                          reason = "made for service #" + std::to_string(a.service_id) + ", which is " + svc->status;
                        } else {
                          reason = "made for service #" + std::to_string(a.service_id) + ", whose username is now '" +
                                   svc->username + "'";
                        }
                        orphans.push_back({{"username", a.username},
                                           {"service_id", a.service_id},
                                           {"groups", a.groups},
                                           {"status", a.suspended ? "Suspended" : "Active"},
                                           {"reason", reason}});
                      }
                      nlohmann::json missing = nlohmann::json::array();
                      for (const auto& svc : services) {
                        if (seen.count(lower(svc.username))) continue;
                        missing.push_back({{"service_id", svc.id},
                                           {"username", svc.username},
                                           {"status", svc.status},
                                           {"client_id", svc.client_id},
                                           {"product", svc.product_name}});
                      }
                      return nlohmann::json{{"server_id", server_id},
                                            {"server_name", stored.name},
                                            {"dsm_users", accounts.size()},
                                            {"services", services.size()},
                                            {"matched", matched},
                                            {"dsm_users_without_service", orphans},
                                            {"services_without_dsm_user", missing}};
                    }});

  routes.push_back({"POST", "/v1/notifications/list", [&s](const nlohmann::json& body) {
                      const std::string status = optionalStatus(body);
                      int64_t limit = 100;
                      if (auto it = body.find("limit"); it != body.end() && !it->is_null()) {
                        if (!it->is_number_integer()) throw BadRequest("Field 'limit' must be a whole number");
                        limit = it->get<int64_t>();
                      }
                      if (limit < 1 || limit > 1000)
                        throw BadRequest("Field 'limit' must be a whole number from 1 to 1000");
                      auto& store = required(s.usage_store, "the usage store");
                      nlohmann::json out = nlohmann::json::array();
                      for (const auto& e : store.listOutbox(status, static_cast<int>(limit)))
                        out.push_back({{"id", e.id},
                                       {"service_id", e.service_id},
                                       {"server_id", e.server_id},
                                       {"username", e.username},
                                       {"template", e.template_name},
                                       {"status", e.status},
                                       {"attempts", e.attempts},
                                       {"created_at", e.created_at},
                                       {"next_attempt_at", e.next_attempt_at},
                                       {"sent_at", nullableText(e.sent_at)},
                                       {"last_error", nullableText(e.last_error)}});
                      return nlohmann::json{{"notifications", out}, {"counts", countsJson(store.outboxCounts())}};
                    }});

  return routes;
}

}  // namespace puq::api
