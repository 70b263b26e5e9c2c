// Text output of the command line.
#include "puq/cli/format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace puq::cli {
namespace {

using nlohmann::json;

size_t displayWidth(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;  // count UTF-8 lead bytes
  return n;
}

std::string pad(const std::string& s, size_t width, bool right) {
  const size_t w = displayWidth(s);
  if (w >= width) return s;
  const std::string fill(width - w, ' ');
  return right ? fill + s : s + fill;
}

std::string rtrim(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::string str(const json& j, const char* key, const std::string& fallback = "") {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return fallback;
  if (j[key].is_string()) return j[key].get<std::string>();
  return j[key].dump();
}

int64_t num(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return 0;
  return j[key].get<int64_t>();
}

std::string plural(int64_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// One line, at most `max` characters (UTF-8 safe), newlines flattened.
std::string shorten(std::string s, size_t max) {
  for (auto& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (displayWidth(s) <= max) return s;
  std::string out;
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80 && ++n > max - 1) break;
    out += s[i];
  }
  return out + "…";
}

std::string prefix(size_t index, size_t total) {
  return "[" + std::to_string(index) + "/" + std::to_string(total) + "]";
}

}  // namespace

std::string formatUptime(int64_t seconds) {
  if (seconds < 0) seconds = 0;
  const int64_t d = seconds / 86400, h = seconds % 86400 / 3600, m = seconds % 3600 / 60, s = seconds % 60;
  if (d > 0) return std::to_string(d) + "d " + std::to_string(h) + "h " + std::to_string(m) + "m";
  if (h > 0) return std::to_string(h) + "h " + std::to_string(m) + "m";
  if (m > 0) return std::to_string(m) + "m " + std::to_string(s) + "s";
  return std::to_string(s) + "s";
}

std::string formatSeconds(double seconds) {
  if (!(seconds >= 0)) seconds = 0;
  if (seconds < 0.1) return std::to_string(std::llround(seconds * 1000)) + " ms";
  if (seconds < 120) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", seconds);
    return buf;
  }
  const auto total = static_cast<int64_t>(std::llround(seconds));
  return std::to_string(total / 60) + " min " + std::to_string(total % 60) + " s";
}

std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  const std::vector<bool>& right) {
  std::vector<size_t> widths(header.size(), 0);
  for (size_t c = 0; c < header.size(); ++c) widths[c] = displayWidth(header[c]);
  for (const auto& row : rows)
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c) widths[c] = std::max(widths[c], displayWidth(row[c]));
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t c = 0; c < widths.size(); ++c) {
      if (c) out += "  ";
      out += pad(c < cells.size() ? cells[c] : "", widths[c], c < right.size() && right[c]);
    }
    return rtrim(out) + "\n";
  };
  std::string out = line(header);
  for (const auto& row : rows) out += line(row);
  return out;
}

std::string formatStatus(const json& status) {
  std::string out = "puq-synologyd " + str(status, "version", "?") + ", up " +
                    formatUptime(num(status, "uptime_seconds")) + "\n";
  const std::string db = str(status, "database", "?");
  if (db == "ok") {
    out += "database: ok (schema version " + str(status, "schema_version", "?") + ")\n";
  } else {
    out += "database: " + db;
    const std::string why = str(status, "database_error");
    out += why.empty() ? "\n" : ": " + why + "\n";
  }
  const json& n = status.value("notifications", json::object());
  out += "notifications: " + std::to_string(num(n, "pending")) + " pending, " + std::to_string(num(n, "sent")) +
         " sent, " + std::to_string(num(n, "failed")) + " failed\n";
  const json& stored = status.value("stored_credentials", json::object());
  out += "command-line sync and accounts: " +
         (stored.value("available", false) ? std::string("available")
                                            : "unavailable: " + str(stored, "reason", "unknown")) +
         "\n";

  const json& servers = status.value("servers", json::array());
  if (!servers.is_array() || servers.empty()) {
    if (db == "ok") out += "\nNo puqSynology server is set up in WHMCS (System Settings > Servers).\n";
    return out;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : servers) {
    std::string host = str(s, "hostname");
    if (host.empty()) host = str(s, "ipaddress");
    if (num(s, "port") > 0) host += ":" + std::to_string(num(s, "port"));
    std::string name = str(s, "name");
    if (s.value("disabled", false)) name += " (disabled)";
    rows.push_back({std::to_string(num(s, "id")), name, host, std::to_string(num(s, "services")),
                    str(s, "last_usage_update", "never"), std::to_string(num(s, "notifications_pending")),
                    std::to_string(num(s, "notifications_failed"))});
  }
  out += "\n" + table({"ID", "NAME", "HOST", "SERVICES", "LAST USAGE UPDATE", "PENDING", "FAILED"}, rows,
                      {true, false, false, true, false, true, true});
  return out;
}

std::string formatSyncResult(size_t index, size_t total, const std::string& name, const json& report) {
  const int64_t users = num(report, "users_read");
  std::string line = prefix(index, total) + " " + name + " ... " + plural(users, "user", "users") + " in " +
                     formatSeconds(static_cast<double>(num(report, "duration_ms")) / 1000.0);
  const json& missing = report.value("missing", json::array());
  const json& errors = report.value("errors", json::array());
  if (!missing.empty()) line += ", " + std::to_string(missing.size()) + " missing on the NAS";
  if (!errors.empty()) line += ", " + plural(static_cast<int64_t>(errors.size()), "error", "errors");
  line += "\n";
  size_t shown = 0;
  for (const auto& m : missing) {
    if (shown++ == 10) break;
    line += "    missing: " + (m.is_string() ? m.get<std::string>() : m.dump()) + "\n";
  }
  for (const auto& e : errors) {
    if (shown++ >= 10) break;
    line += "    error: " + str(e, "username") + ": " + shorten(str(e, "message"), 200) + "\n";
  }
  const size_t more = missing.size() + errors.size();
  if (more > 10) line += "    ... and " + std::to_string(more - 10) + " more (see --json)\n";
  return line;
}

std::string formatSyncFailure(size_t index, size_t total, const std::string& name, const std::string& message) {
  return prefix(index, total) + " " + name + " ... failed: " + message + "\n";
}

std::string progressLine(size_t done, size_t total, const std::string& name, size_t width) {
  if (width < 3) width = 3;
  const size_t filled = total == 0 ? width : std::min(width, done * width / total);
  std::string bar(filled, '=');
  if (filled < width) {
    bar += '>';
    bar += std::string(width - filled - 1, ' ');
  }
  return "[" + bar + "] " + std::to_string(done) + "/" + std::to_string(total) + "  " + name + " ...";
}

std::string formatReconcile(const json& r) {
  const json& orphans = r.value("dsm_users_without_service", json::array());
  const json& missing = r.value("services_without_dsm_user", json::array());
  std::string out = "Server " + str(r, "server_id") + " (" + str(r, "server_name") + "): " +
                    plural(num(r, "dsm_users"), "DSM user", "DSM users") + ", " +
                    plural(num(r, "services"), "service", "services") + " with a username, " +
                    std::to_string(num(r, "matched")) + " matched\n";
  out += "\nDSM users with no service (" + std::to_string(orphans.size()) + ")";
  if (orphans.empty()) {
    out += ": none\n";
  } else {
    out += ":\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& o : orphans) {
      const int64_t id = num(o, "service_id");
      rows.push_back({str(o, "username"), id > 0 ? "#" + std::to_string(id) : "-", str(o, "status"),
                      str(o, "reason")});
    }
    std::string t = table({"USERNAME", "MARKER", "STATE", "WHY"}, rows);
    for (size_t pos = 0; pos < t.size();) {  // indent
      const size_t end = t.find('\n', pos);
      out += "  " + t.substr(pos, end - pos + 1);
      pos = end + 1;
    }
  }
  out += "\nServices with no DSM user (" + std::to_string(missing.size()) + ")";
  if (missing.empty()) {
    out += ": none\n";
  } else {
    out += ":\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : missing)
      rows.push_back({std::to_string(num(m, "service_id")), str(m, "username"), str(m, "status"),
                      std::to_string(num(m, "client_id")), str(m, "product")});
    std::string t = table({"SERVICE", "USERNAME", "STATUS", "CLIENT", "PRODUCT"}, rows, {true, false, false, true});
    for (size_t pos = 0; pos < t.size();) {
      const size_t end = t.find('\n', pos);
      out += "  " + t.substr(pos, end - pos + 1);
      pos = end + 1;
    }
  }
  return out;
}

std::string formatNotifications(const json& list) {
  const json& counts = list.value("counts", json::object());
  std::string out = "outbox: " + std::to_string(num(counts, "pending")) + " pending, " +
                    std::to_string(num(counts, "sent")) + " sent, " + std::to_string(num(counts, "failed")) +
                    " failed\n";
  const json& rows_json = list.value("notifications", json::array());
  if (rows_json.empty()) return out + "\nNo notifications to show.\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& n : rows_json) {
    const std::string status = str(n, "status");
    const std::string when = status == "sent" ? str(n, "sent_at") : status == "pending" ? str(n, "next_attempt_at") : "-";
    rows.push_back({std::to_string(num(n, "id")), std::to_string(num(n, "service_id")),
                    std::to_string(num(n, "server_id")), str(n, "username"), status,
                    std::to_string(num(n, "attempts")), str(n, "created_at"), when,
                    shorten(str(n, "last_error"), 60)});
  }
  out += "\n" + table({"ID", "SERVICE", "SERVER", "USERNAME", "STATUS", "ATTEMPTS", "CREATED (UTC)",
                       "SENT / NEXT TRY (UTC)", "LAST ERROR"},
                      rows, {true, true, true, false, false, true});
  return out;
}

}  // namespace puq::cli
