#pragma once
// UsageUpdate (docs/usage.md): read the usage of every DSM user that has a service on one server in a
// few batched DSM requests, then write tblhosting, today's history row and the threshold state /
// email outbox in one transaction per batch of at most 500 services. Also the client-area view of one
// service's usage (database only).
#include <cstdint>
#include <optional>
#include <map>
#include <string>
#include <vector>

#include "puq/common/config.hpp"
#include "puq/dsm/client.hpp"
#include "puq/provisioning/clock.hpp"
#include "puq/provisioning/settings.hpp"
#include "puq/usage/usage_store.hpp"
#include "puq/whmcs/store.hpp"

namespace puq::usage {

struct SyncError {
  std::string username;
  std::string message;
};

struct SyncReport {
  int64_t server_id = 0;
  int64_t services_updated = 0;  // tblhosting rows written
  int64_t users_read = 0;        // users DSM reported usage for (found)
  std::vector<std::string> missing;  // users DSM does not know (3106): not written
  std::vector<SyncError> errors;     // a failed batch, a per-user DSM error, or invalid product settings
  int64_t dsm_requests = 0;      // SYNO.Entry.Request compound requests made (login/discovery not counted)
  int64_t notifications_queued = 0;
  int64_t history_pruned = 0;
  int64_t duration_ms = 0;
};

struct SyncOptions {
  size_t batch_size = 50;       // [dsm] usage_batch_size: users per compound request
  size_t max_in_flight = 2;     // [dsm] usage_max_in_flight
  size_t write_chunk = 500;     // services per database transaction
  static SyncOptions fromConfig(const DsmSettings& dsm);
};

// The client-area view of one service (POST /v1/usage/service).
struct ServiceUsageView {
  int64_t service_id = 0;
  std::string username;
  bool unlimited = false;
  std::string unit;           // the product's Disk unit
  int64_t unit_mb = 1;        // MB in one unit (the "unit_coefficient" of the answer)
  int64_t disk_limit_mb = 0;  // the product's displayed size
  int64_t disk_used_mb = 0;   // tblhosting.diskusage
  std::optional<int64_t> disk_free_mb;  // nullopt when unlimited
  std::optional<double> used_percent;   // one decimal; nullopt when unlimited
  std::optional<double> free_percent;
  std::optional<std::string> lastupdate;
  int notify_percent = 90;
  std::string show_password;
  std::string instruction_link;
  std::vector<DailyPoint> daily;
  std::vector<MonthlyPoint> monthly;
};

class UsageSync {
 public:
  UsageSync(whmcs::Store& store, UsageStore& usage_store, const provisioning::Clock& clock, SyncOptions options);

  // Every non-terminal service with a username on `server_id`. A missing user, a failed batch or a
  // product with invalid settings is reported, not fatal; a DSM failure of every batch (NAS down,
  // wrong credentials) throws the dsm::DsmError, which names the NAS. A database failure throws.
  SyncReport sync(dsm::Client& client, int64_t server_id);
  // One service ("Sync usage now"). Throws NotFound for an unknown service and Conflict when it is on
  // another server, has no username yet, or is Terminated/Cancelled/Fraud.
  SyncReport syncService(dsm::Client& client, int64_t server_id, int64_t service_id);

  // From the database only. days: 1..3650 (daily points), monthly: the last 12 calendar months.
  // Throws NotFound for an unknown service, SettingError for invalid product settings.
  ServiceUsageView view(int64_t service_id, int days);


 private:
  // A service to read and its product's parsed settings.
  using Asked = std::pair<const whmcs::Service*, const provisioning::ProductSettings*>;
  // Batch rounds per read/write slice (run()): slice = batch_size x max_in_flight x this.
  static constexpr size_t kRoundsPerSlice = 5;

  SyncReport run(dsm::Client& client, int64_t server_id, const std::vector<whmcs::Service>& services);
  // The samples of one slice; users not found or not read go to the report.
  std::vector<UsageSample> toSamples(const std::vector<std::string>& names, const std::vector<dsm::UserUsage>& usage,
                                     const std::vector<bool>& read_ok, const std::vector<Asked>& asked,
                                     SyncReport& report);
  // Writes samples in transactions of write_chunk services.
  ApplyResult writeSamples(int64_t server_id, const std::vector<UsageSample>& samples, Day today, TimePoint now);
  // Deletes history older than each Save history (days) for its services (the last step of a sync).
  int64_t pruneByDays(const std::map<int, std::vector<int64_t>>& by_days, Day today);
  std::vector<dsm::UserUsage> readUsage(dsm::Client& client, const std::vector<std::string>& names,
                                        SyncReport& report, std::vector<bool>& read_ok);
  void askAgainAfterSessionLoss(dsm::Client& client, const std::vector<std::string>& names,
                                std::vector<dsm::UserUsage>& usage, const std::vector<bool>& read_ok,
                                SyncReport& report);

  whmcs::Store& store_;
  UsageStore& usage_store_;
  const provisioning::Clock& clock_;
  SyncOptions options_;
};

}  // namespace puq::usage
