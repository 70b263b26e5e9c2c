#include "puq/usage/usage_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <random>
#include <type_traits>

#include "puq/common/error.hpp"
#include "puq/usage/email_log.hpp"
#include "puq/usage/figures.hpp"
#include "puq/whmcs/mariadb_connection.hpp"

namespace puq::usage {

namespace sql = whmcs::sql;

namespace {

constexpr int64_t kIntColumnMax = 2147483647;  // tblhosting.diskusage/disklimit are INT
constexpr std::size_t kLastErrorMax = 2000;
constexpr const char* kTemplateLock = "mod_puqsynology_email_template";

std::string placeholders(std::size_t n) {
  std::string s;
  s.reserve(n * 3);
  for (std::size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s;
}

int64_t clampInt(int64_t v) { return std::clamp<int64_t>(v, 0, kIntColumnMax); }

std::string truncateUtf8(const std::string& s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return s.substr(0, cut);
}

sql::ConnectionPool::Options poolOptions(const whmcs::DbSettings& s) {
  sql::ConnectionPool::Options o;
  o.max_open = static_cast<std::size_t>(std::max(1, s.pool_size));
  o.acquire_timeout = std::chrono::seconds(std::max(1, s.connect_timeout_s) + std::max(1, s.read_timeout_s));
  return o;
}

const char* kOutboxColumns =
    "id, service_id, kind, template, customvars, status, attempts, next_attempt_at, lease_until, last_error,"
    " sent_at, crossing_seq";
// The same columns of "mod_puqsynology_outbox o" in a join.
const char* kOutboxColumnsQualified =
    "o.id, o.service_id, o.kind, o.template, o.customvars, o.status, o.attempts, o.next_attempt_at, o.lease_until,"
    " o.last_error, o.sent_at, o.crossing_seq";

OutboxRow toOutboxRow(const sql::Row& row) {
  OutboxRow o;
  o.id = row.int64(0);
  o.service_id = row.int64(1);
  o.kind = row.text(2);
  o.template_name = row.text(3);
  o.customvars = nlohmann::json::parse(row.text(4), nullptr, false);
  if (o.customvars.is_discarded() || !o.customvars.is_object()) o.customvars = nlohmann::json::object();
  o.status = row.text(5);
  o.attempts = static_cast<int>(row.int64(6));
  o.next_attempt_at = row.text(7);
  o.lease_until = row.optionalText(8);
  o.last_error = row.optionalText(9);
  o.sent_at = row.optionalText(10);
  o.crossing_seq = static_cast<int>(row.int64(11));
  return o;
}

// Releases a MariaDB user lock when the scope ends (a dead connection released it already).
class LockGuard {
 public:
  LockGuard(sql::Connection& c, std::string name) : c_(c), name_(std::move(name)) {}
  ~LockGuard() {
    if (c_.broken()) return;
    try {
      c_.prepare("SELECT RELEASE_LOCK(?)")->bind(name_).execute().firstRow();
    } catch (const std::exception& e) {
      spdlog::warn("Could not release the database lock '{}': {}", name_, e.what());
    }
  }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  sql::Connection& c_;
  std::string name_;
};

// 32 hex characters, unique per pending() call (not a secret: it only tells leases apart).
std::string leaseToken() {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t seed = [] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd() ^
           static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }();
  std::mt19937_64 mix(seed ^ (++counter * 0x9E3779B97F4A7C15ULL));
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(mix()),
                static_cast<unsigned long long>(mix()));
  return buf;
}

}  // namespace

std::chrono::seconds retryBackoff(int failed_attempts) {
  using std::chrono::seconds;
  static const seconds steps[] = {seconds(60), seconds(5 * 60), seconds(30 * 60), seconds(2 * 3600),
                                  seconds(6 * 3600)};
  if (failed_attempts < 1) return steps[0];
  if (failed_attempts <= 5) return steps[failed_attempts - 1];
  return seconds(12 * 3600);
}

UsageStore::UsageStore(whmcs::DbSettings settings)
    : UsageStore(settings, [settings] { return whmcs::connectWithRetry(settings); }) {}

UsageStore::UsageStore(whmcs::DbSettings settings, sql::ConnectionPool::Factory factory)
    : settings_(std::move(settings)), pool_(std::move(factory), poolOptions(settings_)) {}

UsageStore::~UsageStore() = default;

// ---------------------------------------------------------------------------------------------------
// Usage sync

ApplyResult UsageStore::applyUsage(int64_t server_id, const std::vector<UsageSample>& samples, Day today,
                                   TimePoint now) {
  if (samples.empty()) return {};
  const std::string now_text = utcDateTime(now);
  const std::string day_text = today.str();
  const std::string ids = placeholders(samples.size());
  auto hook = [this](const char* step) {
    if (test_hook) test_hook(step);
  };

  // Everything in one transaction, idempotent as a whole, so a lost connection reruns all of it.
  return sql::inTransaction(pool_, "applyUsage", [&](sql::Connection& c) {
    ApplyResult r;

    // 1. tblhosting, that server's rows only. lastupdate NOW(): WHMCS's own (local) time.
    // A join with the new values, not `SET diskusage = CASE id WHEN ? THEN ? ...`: each row walked the
    // WHEN list, so the CASE form grew with the batch squared (617 ms against 176 ms for 10,000 rows in
    // chunks of 500, docs/performance.md).
    {
      std::string q = "UPDATE tblhosting h JOIN (";
      for (std::size_t i = 0; i < samples.size(); ++i)
        q += i ? " UNION ALL SELECT ?, ?, ?" : "SELECT ? AS id, ? AS du, ? AS dl";
      q += ") v ON h.id = v.id SET h.diskusage = v.du, h.disklimit = v.dl, h.lastupdate = NOW() WHERE h.server = ?";
      auto st = c.prepare(q);
      for (const auto& s : samples) st->bind(s.service_id).bind(clampInt(s.used_mb)).bind(clampInt(s.limit_mb));
      st->bind(server_id);
      st->execute();
      r.hosting_rows = static_cast<int64_t>(st->affectedRows());
    }
    hook("hosting");

    // 2. Today's history row. samples counts distinct sync times, so a rerun of the same sync (same
    // `now`) does not count twice; assignments run left to right, samples before updated_at.
    {
      std::string q =
          "INSERT INTO mod_puqsynology_usage_daily (service_id, day, used_mb, max_used_mb, limit_mb, samples,"
          " updated_at) VALUES ";
      for (std::size_t i = 0; i < samples.size(); ++i) q += i ? ", (?, ?, ?, ?, ?, 1, ?)" : "(?, ?, ?, ?, ?, 1, ?)";
      q += " ON DUPLICATE KEY UPDATE samples = samples + IF(updated_at = VALUES(updated_at), 0, 1),"
           " used_mb = VALUES(used_mb), max_used_mb = GREATEST(max_used_mb, VALUES(max_used_mb)),"
           " limit_mb = VALUES(limit_mb), updated_at = VALUES(updated_at)";
      auto st = c.prepare(q);
      for (const auto& s : samples) {
        st->bind(s.service_id).bind(day_text).bind(s.used_mb).bind(s.used_mb).bind(s.limit_mb).bind(now_text);
      }
      st->execute();
      r.history_rows = static_cast<int64_t>(samples.size());
    }
    hook("history");

    // 3. Threshold state, read under lock so two syncs of one service cannot both see the crossing.
    struct Prior {
      bool above = false;
      int crossings = 0;
    };
    std::map<int64_t, Prior> prior;
    {
      auto st = c.prepare("SELECT service_id, above, crossings FROM mod_puqsynology_notify_state WHERE service_id IN (" +
                          ids + ") FOR UPDATE");
      for (const auto& s : samples) st->bind(s.service_id);
      st->execute();
      sql::Row row;
      while (st->nextRow(row)) prior[row.int64(0)] = {row.int64(1) != 0, static_cast<int>(row.int64(2))};
    }
    struct StateWrite {
      int64_t service_id;
      bool above;
      int crossings;
      bool crossed;
    };
    struct OutboxWrite {
      int64_t service_id;
      std::string template_name;
      std::string customvars;
      int crossing_seq;
    };
    std::vector<StateWrite> states;
    std::vector<OutboxWrite> outbox;
    for (const auto& s : samples) {
      const Prior p = prior.count(s.service_id) ? prior[s.service_id] : Prior{};
      const bool above = atOrAboveThreshold(s.used_mb, s.limit_mb, s.notify_percent);
      if (above && !p.above) {
        states.push_back({s.service_id, true, p.crossings + 1, true});
        ++r.crossed;
        if (!s.email_template.empty()) {
          outbox.push_back({s.service_id, s.email_template,
                            diskLimitMergeFields(s.username, s.used_mb, s.limit_mb, s.unit).dump(), p.crossings + 1});
        }
      } else if (!above && p.above) {
        states.push_back({s.service_id, false, p.crossings, false});  // re-armed
        ++r.rearmed;
      }
    }
    if (!states.empty()) {
      std::string q =
          "INSERT INTO mod_puqsynology_notify_state (service_id, above, crossings, crossed_at, updated_at) VALUES ";
      for (std::size_t i = 0; i < states.size(); ++i) q += i ? ", (?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?)";
      q += " ON DUPLICATE KEY UPDATE above = VALUES(above), crossings = VALUES(crossings),"
           " crossed_at = COALESCE(VALUES(crossed_at), crossed_at), updated_at = VALUES(updated_at)";
      auto st = c.prepare(q);
      for (const auto& w : states) {
        st->bind(w.service_id).bind(w.above ? 1 : 0).bind(w.crossings);
        if (w.crossed) st->bind(now_text);
        else st->bindNull();
        st->bind(now_text);
      }
      st->execute();
    }
    hook("state");

    // 4. One outbox row per crossing; UNIQUE(service_id, kind, crossing_seq) refuses a second.
    if (!outbox.empty()) {
      std::string q =
          "INSERT INTO mod_puqsynology_outbox (service_id, kind, template, customvars, status, attempts,"
          " next_attempt_at, created_at, crossing_seq) VALUES ";
      for (std::size_t i = 0; i < outbox.size(); ++i)
        q += i ? ", (?, 'disk_limit', ?, ?, 'pending', 0, ?, ?, ?)" : "(?, 'disk_limit', ?, ?, 'pending', 0, ?, ?, ?)";
      q += " ON DUPLICATE KEY UPDATE id = id";
      auto st = c.prepare(q);
      for (const auto& o : outbox)
        st->bind(o.service_id).bind(o.template_name).bind(o.customvars).bind(now_text).bind(now_text).bind(o.crossing_seq);
      st->execute();
      r.queued = static_cast<int64_t>(outbox.size());
    }
    hook("outbox");
    return r;
  });
}

int64_t UsageStore::pruneHistory(const std::vector<int64_t>& service_ids, int keep_days, Day today, int chunk) {
  if (service_ids.empty()) return 0;
  chunk = std::max(1, chunk);
  const std::string cutoff = today.plusDays(-std::max(0, keep_days)).str();
  int64_t deleted = 0;
  constexpr std::size_t kIdsPerStatement = 500;
  for (std::size_t begin = 0; begin < service_ids.size(); begin += kIdsPerStatement) {
    const std::size_t end = std::min(service_ids.size(), begin + kIdsPerStatement);
    const std::string q = "DELETE FROM mod_puqsynology_usage_daily WHERE service_id IN (" +
                          placeholders(end - begin) + ") AND day < ? LIMIT ?";
    for (;;) {
      // Each bounded DELETE is its own short statement (autocommit): idempotent, retried.
      const uint64_t n = sql::withRetry(pool_, "pruneHistory", [&](sql::Connection& c) {
        auto st = c.prepare(q);
        for (std::size_t i = begin; i < end; ++i) st->bind(service_ids[i]);
        st->bind(cutoff).bind(static_cast<int64_t>(chunk)).execute();
        return st->affectedRows();
      });
      deleted += static_cast<int64_t>(n);
      if (n < static_cast<uint64_t>(chunk)) break;
    }
  }
  return deleted;
}

std::vector<DailyPoint> UsageStore::daily(int64_t service_id, int days, Day today) {
  const std::string from = today.plusDays(-std::max(0, days)).str();
  return sql::withRetry(pool_, "daily", [&](sql::Connection& c) {
    auto st = c.prepare(
        "SELECT day, used_mb, max_used_mb, limit_mb, samples FROM mod_puqsynology_usage_daily"
        " WHERE service_id = ? AND day > ? AND day <= ? ORDER BY day");
    st->bind(service_id).bind(from).bind(today.str()).execute();
    std::vector<DailyPoint> out;
    sql::Row row;
    while (st->nextRow(row)) {
      out.push_back({row.text(0), row.int64(1), row.int64(2), row.int64(3), static_cast<int>(row.int64(4))});
    }
    return out;
  });
}

std::vector<MonthlyPoint> UsageStore::monthly(int64_t service_id, int months, Day today) {
  const std::string from = today.firstOfMonthPlus(-(std::max(1, months) - 1)).str();
  return sql::withRetry(pool_, "monthly", [&](sql::Connection& c) {
    auto st = c.prepare(
        "SELECT DATE_FORMAT(day, '%Y-%m') AS month, CAST(ROUND(AVG(used_mb)) AS SIGNED), COUNT(*)"
        " FROM mod_puqsynology_usage_daily WHERE service_id = ? AND day >= ? AND day <= ?"
        " GROUP BY month ORDER BY month");
    st->bind(service_id).bind(from).bind(today.str()).execute();
    std::vector<MonthlyPoint> out;
    sql::Row row;
    while (st->nextRow(row)) out.push_back({row.text(0), row.int64(1), static_cast<int>(row.int64(2))});
    return out;
  });
}

std::optional<HostingUsage> UsageStore::hostingUsage(int64_t service_id) {
  return sql::withRetry(pool_, "hostingUsage", [&](sql::Connection& c) -> std::optional<HostingUsage> {
    auto st = c.prepare("SELECT diskusage, disklimit, CAST(lastupdate AS CHAR) FROM tblhosting WHERE id = ?");
    st->bind(service_id).execute();
    auto row = st->firstRow();
    if (!row) return std::nullopt;
    HostingUsage h;
    h.diskusage_mb = row->int64(0);
    h.disklimit_mb = row->int64(1);
    auto last = row->optionalText(2);
    if (last && !last->empty() && last->rfind("0000-00-00", 0) != 0) h.lastupdate = *last;
    return h;
  });
}

std::optional<NotifyState> UsageStore::notifyState(int64_t service_id) {
  return sql::withRetry(pool_, "notifyState", [&](sql::Connection& c) -> std::optional<NotifyState> {
    auto st = c.prepare("SELECT above, crossings, crossed_at FROM mod_puqsynology_notify_state WHERE service_id = ?");
    st->bind(service_id).execute();
    auto row = st->firstRow();
    if (!row) return std::nullopt;
    return NotifyState{row->int64(0) != 0, static_cast<int>(row->int64(1)), row->optionalText(2)};
  });
}

// ---------------------------------------------------------------------------------------------------
// Outbox

std::vector<OutboxRow> UsageStore::leasePending(int limit, TimePoint now, std::chrono::seconds lease) {
  if (limit <= 0) return {};
  const std::string now_text = utcDateTime(now);
  const std::string until_text = utcDateTime(now + lease);
  const std::string token = leaseToken();
  // Rerunning after a lost connection is safe: rows the first run leased come back after the lease.
  return sql::withRetry(pool_, "leasePending", [&](sql::Connection& c) {
    // One UPDATE claims the rows: a second caller's UPDATE waits for the rows the first one holds, then
    // sees them leased and moves on to the next ones. READ COMMITTED (this transaction only): no gap
    // locks, and rows the WHERE rejects are not kept locked.
    c.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
    sql::Transaction tx(c);
    settleUnacknowledged(c, now_text);
    auto claim = c.prepare(
        "UPDATE mod_puqsynology_outbox FORCE INDEX (due) SET lease_until = ?, lease_token = ?"
        " WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)"
        " ORDER BY status, next_attempt_at, id LIMIT ?");
    claim->bind(until_text).bind(token).bind(now_text).bind(now_text).bind(static_cast<int64_t>(limit)).execute();
    std::vector<OutboxRow> out;
    if (claim->affectedRows() > 0) {
      auto read = c.prepare(std::string("SELECT ") + kOutboxColumns +
                            " FROM mod_puqsynology_outbox WHERE lease_token = ? ORDER BY next_attempt_at, id");
      read->bind(token).execute();
      sql::Row row;
      while (read->nextRow(row)) out.push_back(toOutboxRow(row));
      // Where WHMCS's email log stands now: an email for one of these rows can only come after it.
      auto mark = c.prepare("SELECT COALESCE(MAX(id), 0) FROM tblemails");
      mark->execute();
      const int64_t email_log_mark = mark->firstRow()->int64(0);
      auto remember = c.prepare(
          "INSERT INTO mod_puqsynology_outbox_delivery (outbox_id, lease_token, email_log_mark, updated_at)"
          " SELECT id, lease_token, ?, ? FROM mod_puqsynology_outbox WHERE lease_token = ?"
          " ON DUPLICATE KEY UPDATE lease_token = VALUES(lease_token), email_log_mark = VALUES(email_log_mark),"
          " updated_at = VALUES(updated_at)");
      remember->bind(email_log_mark).bind(now_text).bind(token).execute();
    }
    tx.commit();
    return out;
  });
}

int UsageStore::settleUnacknowledged(sql::Connection& c, const std::string& now_text) {
  // Rows handed out whose lease ran out without an acknowledgement: the sender died before, during or
  // after SendEmail. WHMCS's email log tells which: an email to the client, logged after the row was
  // handed out, with the template's subject. Rows are visited oldest first and each logged email
  // proves one row only, so of two notifications to one client the one sent first claims the email.
  auto expired = c.prepare(
      std::string("SELECT ") + kOutboxColumnsQualified +
      ", d.email_log_mark, h.userid FROM mod_puqsynology_outbox o"
      " JOIN mod_puqsynology_outbox_delivery d ON d.outbox_id = o.id AND d.lease_token = o.lease_token"
      " JOIN tblhosting h ON h.id = o.service_id"
      " WHERE o.status = 'pending' AND o.lease_until IS NOT NULL AND o.lease_until <= ?"
      " ORDER BY o.id FOR UPDATE");
  expired->bind(now_text).execute();
  struct Candidate {
    OutboxRow row;
    int64_t mark;
    int64_t client_id;
  };
  std::vector<Candidate> candidates;
  sql::Row row;
  while (expired->nextRow(row)) candidates.push_back({toOutboxRow(row), row.int64(12), row.int64(13)});
  if (candidates.empty()) return 0;

  std::map<std::string, std::vector<std::string>> subjects;  // template name -> subject of each language
  std::vector<int64_t> claimed;
  int settled = 0;
  for (const auto& cand : candidates) {
    auto known = subjects.find(cand.row.template_name);
    if (known == subjects.end()) {
      auto st = c.prepare("SELECT subject FROM tblemailtemplates WHERE name = ? AND type = 'product'");
      st->bind(cand.row.template_name).execute();
      std::vector<std::string> list;
      while (st->nextRow(row)) list.push_back(row.text(0));
      known = subjects.emplace(cand.row.template_name, std::move(list)).first;
    }
    std::vector<SubjectPattern> patterns;
    for (const auto& subject : known->second) {
      SubjectPattern p(subject, cand.row.customvars);
      if (p.usable()) patterns.push_back(std::move(p));
    }
    if (patterns.empty()) continue;  // nothing to recognise the email by: it is sent again

    auto emails = c.prepare(
        "SELECT e.id, e.subject FROM tblemails e LEFT JOIN mod_puqsynology_outbox_delivery d ON d.email_log_id = e.id"
        " WHERE e.userid = ? AND e.id > ? AND e.failed = 0 AND d.outbox_id IS NULL ORDER BY e.id LIMIT 200");
    emails->bind(cand.client_id).bind(cand.mark).execute();
    std::optional<int64_t> proof;
    while (emails->nextRow(row)) {
      const int64_t email_id = row.int64(0);
      if (proof || std::find(claimed.begin(), claimed.end(), email_id) != claimed.end()) continue;
      const std::string subject = row.text(1);
      if (std::any_of(patterns.begin(), patterns.end(), [&](const auto& p) { return p.matches(subject); }))
        proof = email_id;
    }
    if (!proof) continue;
    claimed.push_back(*proof);
    auto sent = c.prepare(
        "UPDATE mod_puqsynology_outbox SET status = 'sent', sent_at = ?, lease_until = NULL, lease_token = NULL"
        " WHERE id = ?");
    sent->bind(now_text).bind(cand.row.id).execute();
    auto proved = c.prepare("UPDATE mod_puqsynology_outbox_delivery SET email_log_id = ?, updated_at = ? WHERE outbox_id = ?");
    proved->bind(*proof).bind(now_text).bind(cand.row.id).execute();
    spdlog::warn(
        "Notification {} (service {}) was sent but never acknowledged (the sender stopped); WHMCS's email log holds "
        "it as email #{}, so it is marked sent and not sent again",
        cand.row.id, cand.row.service_id, *proof);
    ++settled;
  }
  return settled;
}

std::string UsageStore::ack(int64_t id, AckResult result, const std::string& error, TimePoint now, int max_attempts) {
  const std::string now_text = utcDateTime(now);
  const std::string message = truncateUtf8(error, kLastErrorMax);
  // Idempotent: sent stays sent; a failure counts only while the row is leased (the ack clears it).
  return sql::inTransaction(pool_, "ack", [&](sql::Connection& c) -> std::string {
    auto st = c.prepare("SELECT status, attempts, lease_until FROM mod_puqsynology_outbox WHERE id = ? FOR UPDATE");
    st->bind(id).execute();
    auto row = st->firstRow();
    if (!row) {
      throw NotFound("Notification " + std::to_string(id) + " does not exist", "notification_not_found");
    }
    const std::string status = row->text(0);
    const int attempts = static_cast<int>(row->int64(1));
    const bool leased = !row->isNull(2);

    if (result == AckResult::Sent) {
      if (status == "sent") return "sent";
      auto up = c.prepare(
          "UPDATE mod_puqsynology_outbox SET status = 'sent', sent_at = ?, lease_until = NULL, lease_token = NULL WHERE id = ?");
      up->bind(now_text).bind(id).execute();
      return "sent";
    }
    if (status != "pending" || !leased) return status;  // final, or this failure was already counted
    const int failed = attempts + 1;
    if (failed >= max_attempts) {
      auto up = c.prepare(
          "UPDATE mod_puqsynology_outbox SET status = 'failed', attempts = ?, lease_until = NULL, lease_token = NULL, last_error = ?"
          " WHERE id = ?");
      up->bind(failed).bind(message).bind(id).execute();
      return "failed";
    }
    auto up = c.prepare(
        "UPDATE mod_puqsynology_outbox SET attempts = ?, next_attempt_at = ?, lease_until = NULL, lease_token = NULL, last_error = ?"
        " WHERE id = ?");
    up->bind(failed).bind(utcDateTime(now + retryBackoff(failed))).bind(message).bind(id).execute();
    return "pending";
  });
}

std::optional<OutboxRow> UsageStore::outboxRow(int64_t id) {
  return sql::withRetry(pool_, "outboxRow", [&](sql::Connection& c) -> std::optional<OutboxRow> {
    auto st = c.prepare(std::string("SELECT ") + kOutboxColumns + " FROM mod_puqsynology_outbox WHERE id = ?");
    st->bind(id).execute();
    auto row = st->firstRow();
    if (!row) return std::nullopt;
    return toOutboxRow(*row);
  });
}

std::vector<OutboxRow> UsageStore::outboxOf(int64_t service_id) {
  return sql::withRetry(pool_, "outboxOf", [&](sql::Connection& c) {
    auto st = c.prepare(std::string("SELECT ") + kOutboxColumns +
                        " FROM mod_puqsynology_outbox WHERE service_id = ? ORDER BY id");
    st->bind(service_id).execute();
    std::vector<OutboxRow> out;
    sql::Row row;
    while (st->nextRow(row)) out.push_back(toOutboxRow(row));
    return out;
  });
}

// ---------------------------------------------------------------------------------------------------
// Email templates

std::vector<std::string> UsageStore::productTemplates() {
  return sql::withRetry(pool_, "productTemplates", [&](sql::Connection& c) {
    auto st = c.prepare(
        "SELECT DISTINCT name FROM tblemailtemplates WHERE type = 'product' AND (language = '' OR language IS NULL)"
        " AND name <> '' ORDER BY name");
    st->execute();
    std::vector<std::string> out;
    sql::Row row;
    while (st->nextRow(row)) out.push_back(row.text(0));
    return out;
  });
}

bool UsageStore::installProductTemplate(const std::string& name, const std::string& subject,
                                        const std::string& message) {
  // Check and insert under one lock: idempotent, so a lost connection is retried.
  return sql::withRetry(pool_, "installProductTemplate", [&](sql::Connection& c) {
    const int wait_s = std::max(1, std::min(10, settings_.read_timeout_s - 2));
    auto lock = c.prepare("SELECT GET_LOCK(?, ?)");
    lock->bind(kTemplateLock).bind(wait_s).execute();
    auto got = lock->firstRow();
    if (!got || got->int64(0) != 1) {
      throw DatabaseError(std::string("Could not take the database lock '") + kTemplateLock +
                          "' to install the email template; try again");
    }
    LockGuard unlock(c, kTemplateLock);
    auto find = c.prepare(
        "SELECT id FROM tblemailtemplates WHERE type = 'product' AND (language = '' OR language IS NULL)"
        " AND LOWER(CONVERT(name USING utf8mb4)) = LOWER(CONVERT(? USING utf8mb4))");
    find->bind(name).execute();
    if (find->firstRow()) return false;
    auto insert = c.prepare(
        "INSERT INTO tblemailtemplates (type, name, subject, message, attachments, fromname, fromemail, disabled,"
        " custom, language, copyto, blind_copy_to, plaintext, created_at, updated_at)"
        " VALUES ('product', ?, ?, ?, '', '', '', 0, 1, '', '', '', 0, NOW(), NOW())");
    insert->bind(name).bind(subject).bind(message).execute();
    return true;
  });
}

// ---------------------------------------------------------------------------------------------------
// Operations: status, metrics, the command line (read only)

std::map<std::string, int64_t> UsageStore::outboxCounts() {
  return sql::withRetry(pool_, "outboxCounts", [&](sql::Connection& c) {
    auto st = c.prepare("SELECT CAST(status AS CHAR), COUNT(*) FROM mod_puqsynology_outbox GROUP BY status");
    st->execute();
    std::map<std::string, int64_t> out;
    sql::Row row;
    while (st->nextRow(row)) out[row.text(0)] = row.int64(1);
    return out;
  });
}

std::vector<OutboxEntry> UsageStore::listOutbox(const std::string& status, int limit) {
  if (limit <= 0) return {};
  return sql::withRetry(pool_, "listOutbox", [&](sql::Connection& c) {
    auto st = c.prepare(
        "SELECT o.id, o.service_id, COALESCE(h.server, 0), COALESCE(h.username, ''), o.template, CAST(o.status AS CHAR),"
        " o.attempts, CAST(o.created_at AS CHAR), CAST(o.next_attempt_at AS CHAR), CAST(o.sent_at AS CHAR), o.last_error"
        " FROM mod_puqsynology_outbox o LEFT JOIN tblhosting h ON h.id = o.service_id"
        " WHERE (? = '' OR o.status = ?) ORDER BY o.id DESC LIMIT ?");
    st->bind(status).bind(status).bind(static_cast<int64_t>(limit)).execute();
    std::vector<OutboxEntry> out;
    sql::Row row;
    while (st->nextRow(row)) {
      OutboxEntry e;
      e.id = row.int64(0);
      e.service_id = row.int64(1);
      e.server_id = row.int64(2);
      e.username = row.text(3);
      e.template_name = row.text(4);
      e.status = row.text(5);
      e.attempts = static_cast<int>(row.int64(6));
      e.created_at = row.text(7);
      e.next_attempt_at = row.text(8);
      e.sent_at = row.optionalText(9);
      e.last_error = row.optionalText(10);
      out.push_back(std::move(e));
    }
    return out;
  });
}

std::vector<ServerOverview> UsageStore::serverOverview() {
  return sql::withRetry(pool_, "serverOverview", [&](sql::Connection& c) {
    // One statement, a few correlated subqueries per server: a WHMCS has a handful of servers.
    auto st = c.prepare(
        "SELECT s.id, s.name, s.hostname, s.ipaddress, COALESCE(s.port, 0), s.secure, s.disabled,"
        " (SELECT COUNT(*) FROM tblhosting h WHERE h.server = s.id"
        "   AND h.domainstatus NOT IN ('Terminated', 'Cancelled', 'Fraud')),"
        " (SELECT NULLIF(CAST(MAX(h.lastupdate) AS CHAR), '0000-00-00 00:00:00') FROM tblhosting h"
        "   WHERE h.server = s.id AND h.domainstatus NOT IN ('Terminated', 'Cancelled', 'Fraud')),"
        " (SELECT COUNT(*) FROM mod_puqsynology_outbox o JOIN tblhosting h ON h.id = o.service_id"
        "   WHERE h.server = s.id AND o.status = 'pending'),"
        " (SELECT COUNT(*) FROM mod_puqsynology_outbox o JOIN tblhosting h ON h.id = o.service_id"
        "   WHERE h.server = s.id AND o.status = 'failed')"
        " FROM tblservers s WHERE s.type = 'puqSynology' ORDER BY s.id");
    st->execute();
    std::vector<ServerOverview> out;
    sql::Row row;
    while (st->nextRow(row)) {
      ServerOverview o;
      o.id = row.int64(0);
      o.name = row.text(1);
      o.hostname = row.text(2);
      o.ipaddress = row.text(3);
      o.port = static_cast<int>(row.int64(4));
      const std::string secure = row.text(5);
      o.secure = !(secure.empty() || secure == "0" || secure == "off");
      o.disabled = row.int64(6) != 0;
      o.services = row.int64(7);
      o.last_usage_update = row.optionalText(8);
      o.notifications_pending = row.int64(9);
      o.notifications_failed = row.int64(10);
      out.push_back(std::move(o));
    }
    return out;
  });
}

std::optional<StoredServer> UsageStore::storedServer(int64_t server_id) {
  return sql::withRetry(pool_, "storedServer", [&](sql::Connection& c) -> std::optional<StoredServer> {
    auto st = c.prepare(
        "SELECT id, name, type, hostname, ipaddress, COALESCE(port, 0), secure, username, password, accesshash, disabled"
        " FROM tblservers WHERE id = ?");
    st->bind(server_id).execute();
    auto row = st->firstRow();
    if (!row) return std::nullopt;
    StoredServer s;
    s.id = row->int64(0);
    s.name = row->text(1);
    s.type = row->text(2);
    s.hostname = row->text(3);
    s.ipaddress = row->text(4);
    s.port = static_cast<int>(row->int64(5));
    s.secure = row->text(6);
    s.username = row->text(7);
    s.password = row->text(8);
    s.accesshash = row->text(9);
    s.disabled = row->int64(10) != 0;
    return s;
  });
}

}  // namespace puq::usage
