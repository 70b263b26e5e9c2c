#pragma once
// Text output of the command line (pure functions of the daemon's JSON answers, unit-tested).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace puq::cli {

// "3d 4h 12m", "4h 0m", "12m 5s", "7s".
std::string formatUptime(int64_t seconds);
// "35 ms", "0.8 s", "12.3 s", "2 min 5 s".
std::string formatSeconds(double seconds);

// A plain text table: columns padded to the widest cell (counted in UTF-8 characters), two spaces
// apart, trailing spaces trimmed. `right` marks right-aligned (numeric) columns.
std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  const std::vector<bool>& right = {});

// GET /v1/status.
std::string formatStatus(const nlohmann::json& status);

// One line of sync: "[3/20] NAS 4 ... 1000 users in 0.8 s" (+ ", 2 missing, 1 error"), followed by
// indented lines for at most 10 missing users and errors.
std::string formatSyncResult(size_t index, size_t total, const std::string& name, const nlohmann::json& report);
std::string formatSyncFailure(size_t index, size_t total, const std::string& name, const std::string& message);
// "[=========>          ]  3/20  NAS 4 ..." (width = the bar's inner width).
std::string progressLine(size_t done, size_t total, const std::string& name, size_t width = 30);

// POST /v1/server/reconcile-stored.
std::string formatReconcile(const nlohmann::json& report);
// POST /v1/notifications/list.
std::string formatNotifications(const nlohmann::json& list);

}  // namespace puq::cli
