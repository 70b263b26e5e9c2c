#include "puq/usage/notifications.hpp"

#include <spdlog/spdlog.h>

#include "puq/common/error.hpp"

namespace puq::usage {

std::vector<OutboxRow> Notifications::pending(int limit) {
  if (limit < 1 || limit > kMaxLimit) {
    throw BadRequest("Field 'limit' must be a whole number from 1 to " + std::to_string(kMaxLimit));
  }
  return store_.leasePending(limit, clock_.now(), kLease);
}

std::string Notifications::ack(int64_t id, const std::string& result, const std::string& error) {
  AckResult r;
  if (result == "sent") {
    r = AckResult::Sent;
  } else if (result == "failed") {
    r = AckResult::Failed;
  } else {
    throw BadRequest("Field 'result' must be \"sent\" or \"failed\"");
  }
  const std::string status = store_.ack(id, r, error, clock_.now(), kMaxAttempts);
  if (r == AckResult::Failed) {
    spdlog::warn("Notification {} could not be sent ({}); now {}", id, error.empty() ? "no reason given" : error,
                 status);
  }
  return status;
}

}  // namespace puq::usage
