// The usage routes of API v1 (docs/api.md, "Usage, history and notifications"; docs/usage.md):
// usage sync, the client-area usage view, the notification outbox and the email templates.
#include "puq/api/server.hpp"
#include "puq/common/error.hpp"
#include "puq/usage/email_templates.hpp"
#include "puq/usage/figures.hpp"
#include "puq/usage/notifications.hpp"
#include "puq/usage/usage_sync.hpp"

namespace puq::api {
namespace {

// An optional integer field with a default; BadRequest when present but not an integer.
int64_t optionalInt(const nlohmann::json& body, const char* field, int64_t fallback) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) throw BadRequest(std::string("Field '") + field + "' must be a whole number");
  return it->get<int64_t>();
}

nlohmann::json nullable(const std::optional<double>& v, int decimals) {
  return v ? usage::roundedNumber(*v, decimals) : nlohmann::json(nullptr);
}

nlohmann::json viewJson(const usage::ServiceUsageView& v) {
  const double per_unit = static_cast<double>(v.unit_mb);
  auto inUnit = [per_unit](int64_t mb) { return usage::roundedNumber(static_cast<double>(mb) / per_unit, 2); };
  nlohmann::json daily = nlohmann::json::array();
  for (const auto& d : v.daily) daily.push_back({{"date", d.date}, {"used_mb", d.used_mb}});
  nlohmann::json monthly = nlohmann::json::array();
  for (const auto& m : v.monthly) monthly.push_back({{"month", m.month}, {"avg_used_mb", m.avg_used_mb}});
  return {
      {"service_id", v.service_id},
      {"username", v.username},
      {"unlimited", v.unlimited},
      {"disk_limit_mb", v.disk_limit_mb},
      {"unit", v.unit},
      {"unit_coefficient", v.unit_mb},
      {"disk_limit_unit", inUnit(v.disk_limit_mb)},
      {"disk_used_mb", v.disk_used_mb},
      {"disk_used_unit", inUnit(v.disk_used_mb)},
      {"disk_free_mb", v.disk_free_mb ? nlohmann::json(*v.disk_free_mb) : nlohmann::json(nullptr)},
      {"disk_free_unit", v.disk_free_mb ? inUnit(*v.disk_free_mb) : nlohmann::json(nullptr)},
      {"used_percent", nullable(v.used_percent, 1)},
      {"free_percent", nullable(v.free_percent, 1)},
      {"lastupdate", v.lastupdate ? nlohmann::json(*v.lastupdate) : nlohmann::json(nullptr)},
      {"notify_percent", v.notify_percent},
      {"show_password", v.show_password},
      {"instruction_link", v.instruction_link},
      {"daily", daily},
      {"monthly", monthly},
  };
}

}  // namespace

nlohmann::json syncReportJson(const usage::SyncReport& r) {
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : r.errors) errors.push_back({{"username", e.username}, {"message", e.message}});
  return {{"server_id", r.server_id},       {"services_updated", r.services_updated}, {"users_read", r.users_read},
          {"missing", r.missing},           {"errors", errors},                       {"dsm_requests", r.dsm_requests},
          {"duration_ms", r.duration_ms}};
}

std::vector<Route> makeUsageRoutes(Services& s) {
  std::vector<Route> routes;

  routes.push_back({"POST", "/v1/usage/sync", [&s](const nlohmann::json& body) {
                      const auto endpoint = requireServer(body, s.config.dsm);
                      auto& sync = required(s.usage_sync, "the usage sync");
                      auto client = s.dsm_pool.get(endpoint);
                      return syncReportJson(sync.sync(*client, endpoint.server_id));
                    }});

  routes.push_back({"POST", "/v1/usage/sync-service", [&s](const nlohmann::json& body) {
                      const auto endpoint = requireServer(body, s.config.dsm);
                      const int64_t service_id = requireId(body, "service_id");
                      auto& sync = required(s.usage_sync, "the usage sync");
                      auto client = s.dsm_pool.get(endpoint);
                      return syncReportJson(sync.syncService(*client, endpoint.server_id, service_id));
                    }});

  routes.push_back({"POST", "/v1/usage/service", [&s](const nlohmann::json& body) {
                      const int64_t service_id = requireId(body, "service_id");
                      const int64_t days = optionalInt(body, "days", 30);
                      if (days < 1 || days > 3650) throw BadRequest("Field 'days' must be a whole number from 1 to 3650");
                      auto& sync = required(s.usage_sync, "the usage sync");
                      return viewJson(sync.view(service_id, static_cast<int>(days)));
                    }});

  routes.push_back({"POST", "/v1/notifications/pending", [&s](const nlohmann::json& body) {
                      const int64_t limit = optionalInt(body, "limit", usage::Notifications::kDefaultLimit);
                      if (limit < 1 || limit > usage::Notifications::kMaxLimit)
                        throw BadRequest("Field 'limit' must be a whole number from 1 to " +
                                         std::to_string(usage::Notifications::kMaxLimit));
                      auto& notifications = required(s.notifications, "the notification outbox");
                      nlohmann::json out = nlohmann::json::array();
                      for (const auto& n : notifications.pending(static_cast<int>(limit)))
                        out.push_back({{"id", n.id},
                                       {"service_id", n.service_id},
                                       {"template", n.template_name},
                                       {"attempts", n.attempts},
                                       {"customvars", n.customvars}});
                      return nlohmann::json{{"notifications", out}};
                    }});

  routes.push_back({"POST", "/v1/notifications/ack", [&s](const nlohmann::json& body) {
                      const int64_t id = requireId(body, "id");
                      const std::string result = requireString(body, "result");
                      std::string error;
                      if (auto it = body.find("error"); it != body.end() && !it->is_null()) {
                        if (!it->is_string()) throw BadRequest("Field 'error' must be a string");
                        error = it->get<std::string>();
                      }
                      auto& notifications = required(s.notifications, "the notification outbox");
                      return nlohmann::json{{"id", id}, {"status", notifications.ack(id, result, error)}};
                    }});

  routes.push_back({"POST", "/v1/email-templates", [&s](const nlohmann::json&) {
                      auto& templates = required(s.email_templates, "the email templates");
                      nlohmann::json out = nlohmann::json::array();
                      for (const auto& name : templates.list()) out.push_back({{"name", name}});
                      return nlohmann::json{{"templates", out}};
                    }});

  routes.push_back({"POST", "/v1/email-templates/install", [&s](const nlohmann::json&) {
                      auto& templates = required(s.email_templates, "the email templates");
                      const auto r = templates.install();
                      return nlohmann::json{{"name", r.name}, {"created", r.created}};
                    }});

  return routes;
}

}  // namespace puq::api
