#include "puq/usage/figures.hpp"

#include <algorithm>
#include <cmath>

#include "puq/common/error.hpp"

namespace puq::usage {

int64_t mbPerUnit(const std::string& unit) {
  if (unit == "MB") return 1;
  if (unit == "GB") return 1024;
  if (unit == "TB") return 1024 * 1024;
  throw SettingError("Disk unit must be MB, GB or TB; got \"" + unit + "\"");
}

double usedPercent(int64_t used_mb, int64_t limit_mb) {
  if (limit_mb <= 0) return 0;
  return static_cast<double>(used_mb) * 100.0 / static_cast<double>(limit_mb);
}

nlohmann::json roundedNumber(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  const double rounded = std::round(value * scale) / scale;
  if (std::fabs(rounded) < 9e15 && rounded == std::floor(rounded)) return static_cast<int64_t>(rounded);
  return rounded;
}

bool atOrAboveThreshold(int64_t used_mb, int64_t limit_mb, int notify_percent) {
  if (limit_mb <= 0) return false;
  // Integer arithmetic: 90 % of 1000 MB is exactly 900 MB, no floating-point edge.
  return used_mb * 100 >= static_cast<int64_t>(notify_percent) * limit_mb;
}

nlohmann::json diskLimitMergeFields(const std::string& username, int64_t used_mb, int64_t limit_mb,
                                    const std::string& unit) {
  const double per_unit = static_cast<double>(mbPerUnit(unit));
  const double used_percent = usedPercent(used_mb, limit_mb);
  const int64_t free_mb = std::max<int64_t>(0, limit_mb - used_mb);
  // From the rounded used percentage, so the two always add up to 100 in the email.
  const double free_percent = std::max(0.0, 100.0 - std::round(used_percent * 10.0) / 10.0);
  const double bytes_per_unit = per_unit * 1024.0 * 1024.0;
  return {
      {"disk_used_percentage", roundedNumber(used_percent, 1)},
      {"username", username},
      {"disk_limit_bytes", limit_mb * 1024 * 1024},
      {"unit_coefficient", 1.0 / bytes_per_unit},
      {"unit", unit},
      {"disk_used_unit", roundedNumber(static_cast<double>(used_mb) / per_unit, 2)},
      {"disk_free_unit", roundedNumber(static_cast<double>(free_mb) / per_unit, 2)},
      {"disk_free_percentage", roundedNumber(free_percent, 1)},
  };
}

}  // namespace puq::usage
