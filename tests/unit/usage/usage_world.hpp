#pragma once
// Shared fixture of the usage tests: a private WHMCS database with the daemon's tables, the usage
// objects on a FixedClock, and helpers to seed many services at once and read back what was written.
#include <httplib.h>

#include <map>
#include <string>
#include <vector>

#include "puq/provisioning/clock.hpp"
#include "puq/usage/email_templates.hpp"
#include "puq/usage/notifications.hpp"
#include "puq/usage/usage_store.hpp"
#include "puq/usage/usage_sync.hpp"
#include "puq/whmcs/mariadb_store.hpp"
#include "support/sim_nas.hpp"
#include "support/temp_database.hpp"

namespace puq::testing {

// configoption1..10 in the order of docs/settings.md.
inline std::vector<std::string> usageOptions(const std::string& size = "10", const std::string& unit = "GB",
                                             const std::string& notify = "90", const std::string& email_template = "",
                                             const std::string& history_days = "30") {
  return {size, unit, "10G", notify, email_template, history_days, "", "button", "", "12"};
}

// 2025-03-15 12:00:00 UTC.
constexpr int64_t kNoonMarch15 = 1742040000;

struct UsageWorld {
  TempWhmcsDatabase db;
  whmcs::MariaDbStore store{db.settings()};
  usage::UsageStore usage_store{db.settings()};
  provisioning::FixedClock clock = provisioning::FixedClock::atUnixSeconds(kNoonMarch15);
  usage::SyncOptions options;
  int64_t client_id = 0;

  UsageWorld() {
    store.migrate();
    client_id = db.addClient("client@example.com", "Test", "Client");
  }

  usage::UsageSync sync() { return usage::UsageSync(store, usage_store, clock, options); }
  usage::Day today() const { return usage::Day::fromTime(clock.now()); }

  int64_t addServer(const std::string& name = "NAS") {
    ServiceSeed seed;
    seed.server_name = name;
    return db.addServer(seed, 0);
  }
  int64_t addProduct(const std::vector<std::string>& options, const std::string& name = "Synology 10 GB") {
    return db.addProduct(name, 0, options);
  }
  int64_t addService(int64_t product_id, int64_t server_id, const std::string& username,
                     const std::string& status = "Active", int64_t diskusage = 7) {
    ServiceSeed seed;
    seed.username = username;
    seed.status = status;
    seed.diskusage_mb = diskusage;
    return db.addService(client_id, product_id, server_id, seed);
  }
  // Services for `names` in one INSERT; returns username -> service id.
  std::map<std::string, int64_t> addServices(int64_t product_id, int64_t server_id, const std::vector<std::string>& names) {
    std::string sql =
        "INSERT INTO tblhosting (userid, orderid, packageid, server, regdate, domain, paymentmethod, billingcycle,"
        " nextduedate, nextinvoicedate, domainstatus, username, password, diskusage, disklimit, created_at,"
        " updated_at) VALUES ";
    for (size_t i = 0; i < names.size(); ++i) {
      if (i) sql += ", ";
      sql += "(" + std::to_string(client_id) + ", 1, " + std::to_string(product_id) + ", " + std::to_string(server_id) +
             ", CURDATE(), '', 'banktransfer', 'Monthly', CURDATE(), CURDATE(), 'Active', " + db.quote(names[i]) +
             ", '', 7, 0, '2020-01-01 00:00:00', '2020-01-01 00:00:00')";
    }
    db.exec(sql);
    std::map<std::string, int64_t> ids;
    for (const auto& row : db.rows("SELECT username, id FROM tblhosting WHERE server = " + std::to_string(server_id)))
      ids[*row[0]] = std::stoll(*row[1]);
    return ids;
  }

  int64_t count(const std::string& sql) { return std::stoll(db.scalar(sql).value_or("0")); }
  std::string hostingField(int64_t service_id, const std::string& column) {
    return db.scalar("SELECT " + column + " FROM tblhosting WHERE id = " + std::to_string(service_id)).value_or("");
  }
};

// GET /control/stats of a simulator.
inline nlohmann::json simStats(SimNas& nas) {
  httplib::Client http("127.0.0.1", nas.sim().httpPort());
  auto res = http.Get("/control/stats");
  if (!res || res->status != 200) throw std::runtime_error("sim control /stats failed");
  return nlohmann::json::parse(res->body);
}

// name -> used_mb as the simulator holds it.
inline std::map<std::string, int64_t> simUsage(SimNas& nas) {
  std::map<std::string, int64_t> out;
  const nlohmann::json state = nas.state();  // not `nas.state()["users"]` in the loop: that would dangle
  for (const auto& u : state["users"]) out[u["name"].get<std::string>()] = u["used_mb"].get<int64_t>();
  return out;
}

inline usage::UsageSample sample(int64_t service_id, int64_t used_mb, int64_t limit_mb = 1000,
                                 const std::string& email_template = "puqSynology Notification disk limit",
                                 int notify_percent = 90, const std::string& unit = "MB") {
  usage::UsageSample s;
  s.service_id = service_id;
  s.username = "user" + std::to_string(service_id);
  s.used_mb = used_mb;
  s.limit_mb = limit_mb;
  s.notify_percent = notify_percent;
  s.email_template = email_template;
  s.unit = unit;
  return s;
}

}  // namespace puq::testing
