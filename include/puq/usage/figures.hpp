#pragma once
// Usage arithmetic shared by the sync (threshold, email merge fields) and the client-area view, so
// the email and the page always show the same numbers.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace puq::usage {

// MB in one unit of Disk unit: MB 1, GB 1024, TB 1024^2. Throws puq::SettingError for another unit.
int64_t mbPerUnit(const std::string& unit);

// used as a percentage of limit (limit > 0), not rounded.
double usedPercent(int64_t used_mb, int64_t limit_mb);

// Rounded to `decimals` places; a whole number becomes a JSON integer (92, not 92.0), so Smarty and
// PHP print it without a trailing ".0".
nlohmann::json roundedNumber(double value, int decimals);

// At or above the product's Notify at % of a limited size. Unlimited (limit 0) is never above.
bool atOrAboveThreshold(int64_t used_mb, int64_t limit_mb, int notify_percent);

// The merge fields of the "disk limit" email (docs/usage.md): disk_used_percentage, username,
// disk_limit_bytes, unit_coefficient (disk_limit_bytes * unit_coefficient = the limit in `unit`), unit,
// disk_used_unit, disk_free_unit, disk_free_percentage. limit_mb must be > 0.
nlohmann::json diskLimitMergeFields(const std::string& username, int64_t used_mb, int64_t limit_mb,
                                    const std::string& unit);

}  // namespace puq::usage
