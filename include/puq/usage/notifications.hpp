#pragma once
// Delivery of the low-space emails queued by the usage sync (mod_puqsynology_outbox, docs/usage.md).
// The PHP module's cron asks for pending() notifications, sends each with localAPI SendEmail, then
// ack()s it. A notification handed out is leased for 5 minutes, so two cron runs never both send it;
// a failed send is retried with backoff and, after max_attempts, kept as 'failed' (never deleted).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "puq/provisioning/clock.hpp"
#include "puq/usage/usage_store.hpp"

namespace puq::usage {

class Notifications {
 public:
  static constexpr int kDefaultLimit = 50;
  static constexpr int kMaxLimit = 500;
  static constexpr std::chrono::seconds kLease{300};
  static constexpr int kMaxAttempts = 20;

  Notifications(UsageStore& store, const provisioning::Clock& clock) : store_(store), clock_(clock) {}

  // Due notifications (oldest first), leased until now + 5 min. limit: 1..500 (BadRequest otherwise).
  std::vector<OutboxRow> pending(int limit = kDefaultLimit);
  // result "sent" or "failed" (BadRequest otherwise); returns the status after the ack: "sent",
  // "pending" (will be retried) or "failed" (gave up). Unknown id: NotFound.
  std::string ack(int64_t id, const std::string& result, const std::string& error = "");

 private:
  UsageStore& store_;
  const provisioning::Clock& clock_;
};

}  // namespace puq::usage
