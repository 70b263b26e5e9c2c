#pragma once
// The usage concern's SQL (docs/usage.md, docs/database.md): tblhosting's usage columns, the daily
// history (mod_puqsynology_usage_daily), the threshold state and the email outbox
// (mod_puqsynology_notify_state, mod_puqsynology_outbox), and the product email templates
// (tblemailtemplates). Prepared statements only, on its own small connection pool.
//
// Thread-safe. Times and days are passed in by the caller (from a Clock), never taken from the SQL
// server's CURDATE()/NOW(), so tests control them; the one exception is tblhosting.lastupdate, which
// is NOW() (the server's local time, as WHMCS writes its own timestamps).
//
// Retry rule (docs/database.md): a lost connection or a deadlock is retried once on a fresh connection
// for reads and for the transactions below that are idempotent as a whole (applyUsage, prune, lease,
// ack, installTemplate).
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "puq/usage/dates.hpp"
#include "puq/whmcs/connection_pool.hpp"
#include "puq/whmcs/store.hpp"

namespace puq::usage {

using TimePoint = std::chrono::system_clock::time_point;

// One service's sample, ready to be written.
struct UsageSample {
  int64_t service_id = 0;
  std::string username;
  int64_t used_mb = 0;   // rounded
  int64_t limit_mb = 0;  // the product's displayed size (diskLimitMb()), 0 = unlimited
  int notify_percent = 90;
  std::string email_template;  // "" = None: state is tracked, no email is queued
  std::string unit = "GB";     // the product's Disk unit, for the merge fields
};

struct ApplyResult {
  int64_t hosting_rows = 0;      // tblhosting rows matched (that server's services)
  int64_t history_rows = 0;      // samples written to today's history rows
  int64_t crossed = 0;           // services that crossed Notify at % upwards in this batch
  int64_t rearmed = 0;           // services that fell back below it
  int64_t queued = 0;            // outbox rows inserted
};

struct DailyPoint {
  std::string date;  // YYYY-MM-DD
  int64_t used_mb = 0;
  int64_t max_used_mb = 0;
  int64_t limit_mb = 0;
  int samples = 0;
};

struct MonthlyPoint {
  std::string month;  // YYYY-MM
  int64_t avg_used_mb = 0;  // average of the daily used_mb of the days that have a row, rounded
  int days = 0;             // days with a row
};

struct NotifyState {
  bool above = false;
  int crossings = 0;
  std::optional<std::string> crossed_at;
};

// tblhosting's usage columns as the last sync left them.
struct HostingUsage {
  int64_t diskusage_mb = 0;
  int64_t disklimit_mb = 0;
  std::optional<std::string> lastupdate;  // server local time; nullopt when never updated
};

struct OutboxRow {
  int64_t id = 0;
  int64_t service_id = 0;
  std::string kind;
  std::string template_name;
  nlohmann::json customvars;
  std::string status;  // pending | sent | failed
  int attempts = 0;
  std::string next_attempt_at;
  std::optional<std::string> lease_until;
  std::optional<std::string> last_error;
  std::optional<std::string> sent_at;
  int crossing_seq = 0;
};

enum class AckResult { Sent, Failed };

// --- operations: GET /v1/status, /metrics and the command line (docs/operations.md) ------------------

// One puqSynology server of tblservers with what the status command shows about it.
struct ServerOverview {
  int64_t id = 0;
  std::string name;
  std::string hostname;
  std::string ipaddress;
  int port = 0;  // 0 = the default of `secure`
  bool secure = false;
  bool disabled = false;
  int64_t services = 0;  // services not Terminated, Cancelled or Fraud
  std::optional<std::string> last_usage_update;  // MAX(tblhosting.lastupdate) of them; server local time
  int64_t notifications_pending = 0;
  int64_t notifications_failed = 0;
};

// A tblservers row with its stored credentials. `password` is as WHMCS stores it: encrypted
// (whmcs/password_crypt.hpp). `accesshash` is plain text.
struct StoredServer {
  int64_t id = 0;
  std::string name;
  std::string type;  // the module: "puqSynology"
  std::string hostname;
  std::string ipaddress;
  int port = 0;
  std::string secure;  // "on" when ticked
  std::string username;
  std::string password;
  std::string accesshash;
  bool disabled = false;
};

// An outbox row as the command line lists it.
struct OutboxEntry {
  int64_t id = 0;
  int64_t service_id = 0;
  int64_t server_id = 0;  // tblhosting.server, 0 when the service is gone
  std::string username;   // tblhosting.username
  std::string template_name;
  std::string status;
  int attempts = 0;
  std::string created_at;       // UTC
  std::string next_attempt_at;  // UTC
  std::optional<std::string> sent_at;
  std::optional<std::string> last_error;
};

class UsageStore {
 public:
  explicit UsageStore(whmcs::DbSettings settings);
  UsageStore(whmcs::DbSettings settings, whmcs::sql::ConnectionPool::Factory factory);
  ~UsageStore();
  UsageStore(const UsageStore&) = delete;
  UsageStore& operator=(const UsageStore&) = delete;

  // --- usage sync -------------------------------------------------------------------------------------
  // One transaction for the batch (at most 500 samples, the caller chunks): tblhosting diskusage,
  // disklimit, lastupdate (only rows on `server_id`); today's history row per service (upsert); the
  // threshold state and, on an upward crossing with a template, one outbox row. Idempotent: run again
  // with the same `now` it changes nothing more (history samples are counted once per distinct `now`).
  ApplyResult applyUsage(int64_t server_id, const std::vector<UsageSample>& samples, Day today, TimePoint now);

  // Deletes history rows older than `today - keep_days` of these services, in deletes of at most
  // `chunk` rows. keep_days 0 keeps today's row only. Returns the rows deleted.
  int64_t pruneHistory(const std::vector<int64_t>& service_ids, int keep_days, Day today, int chunk = 5000);

  std::vector<DailyPoint> daily(int64_t service_id, int days, Day today);
  std::vector<MonthlyPoint> monthly(int64_t service_id, int months, Day today);
  std::optional<HostingUsage> hostingUsage(int64_t service_id);
  std::optional<NotifyState> notifyState(int64_t service_id);

  // --- outbox -----------------------------------------------------------------------------------------
  // Leases at most `limit` due rows (pending, next_attempt_at <= now, lease free or expired) until
  // now + lease, atomically (one UPDATE ... ORDER BY ... LIMIT that stamps a lease token, then the rows
  // with that token are read): two callers never get the same row. Each leased row remembers where
  // WHMCS's email log (tblemails) stood. A row whose lease ran out without an acknowledgement is first
  // looked up in that log (include/puq/usage/email_log.hpp): found, it is marked sent, not handed out.
  std::vector<OutboxRow> leasePending(int limit, TimePoint now, std::chrono::seconds lease);
  // Sent: status sent (idempotent; a sent row is never re-queued). Failed: counts one failed attempt
  // of a leased row (a repeated ack finds no lease and changes nothing), schedules the next at
  // now + backoff(attempts), and after max_attempts marks it failed (kept). Throws NotFound.
  std::string ack(int64_t id, AckResult result, const std::string& error, TimePoint now, int max_attempts);
  std::optional<OutboxRow> outboxRow(int64_t id);
  std::vector<OutboxRow> outboxOf(int64_t service_id);

  // --- email templates --------------------------------------------------------------------------------
  // Names of the product templates of the default language (language '' or NULL), sorted, distinct.
  std::vector<std::string> productTemplates();
  // Inserts a custom product template unless one with that name (case-insensitive) exists. Returns
  // true when it inserted. Serialised with GET_LOCK so two installs at once insert once.
  bool installProductTemplate(const std::string& name, const std::string& subject, const std::string& message);

  // --- operations -------------------------------------------------------------------------------------
  // Outbox rows by status ("pending", "sent", "failed"); statuses without rows are absent.
  std::map<std::string, int64_t> outboxCounts();
  // Outbox rows with one status (any status when empty), newest first, at most `limit`.
  std::vector<OutboxEntry> listOutbox(const std::string& status, int limit);
  // Every tblservers row of the puqSynology module, by id.
  std::vector<ServerOverview> serverOverview();
  // One tblservers row (of any module), or nullopt.
  std::optional<StoredServer> storedServer(int64_t server_id);

  // For tests: called inside applyUsage's transaction after each statement with its name
  // ("hosting", "history", "state", "outbox"); may throw or kill the connection.
  std::function<void(const std::string& step)> test_hook;

 private:
  // leasePending's first step, inside its transaction: settles the unacknowledged rows the email log
  // proves sent. Returns how many.
  int settleUnacknowledged(whmcs::sql::Connection& c, const std::string& now_text);

  whmcs::DbSettings settings_;
  whmcs::sql::ConnectionPool pool_;
};

// The delay before attempt n+1 after n failed attempts (n >= 1): 1 min, 5 min, 30 min, 2 h, 6 h,
// then 12 h.
std::chrono::seconds retryBackoff(int failed_attempts);

}  // namespace puq::usage
