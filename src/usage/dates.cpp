#include "puq/usage/dates.hpp"

#include <cstdio>

#include "puq/common/error.hpp"

namespace puq::usage {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days (public domain algorithms).
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t y;
  unsigned m;
  unsigned d;
};

Civil civilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

int64_t floorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

Day Day::fromCivil(int year, int month, int day) {
  return Day(daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)));
}

Day Day::fromTime(std::chrono::system_clock::time_point t) {
  const int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  return Day(floorDiv(seconds, 86400));
}

Day Day::parse(const std::string& text) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 ||
      d < 1 || d > 31) {
    throw BadRequest("'" + text + "' is not a date (YYYY-MM-DD)");
  }
  const Day day = fromCivil(y, m, d);
  if (day.month() != m) throw BadRequest("'" + text + "' is not a date (YYYY-MM-DD)");
  return day;
}

int Day::year() const { return static_cast<int>(civilFromDays(days_).y); }
int Day::month() const { return static_cast<int>(civilFromDays(days_).m); }
int Day::dayOfMonth() const { return static_cast<int>(civilFromDays(days_).d); }

std::string Day::str() const {
  const Civil c = civilFromDays(days_);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.y), c.m, c.d);
  return buf;
}

std::string Day::monthStr() const { return str().substr(0, 7); }

Day Day::firstOfMonthPlus(int n) const {
  const Civil c = civilFromDays(days_);
  int64_t index = c.y * 12 + static_cast<int64_t>(c.m) - 1 + n;
  const int64_t y = floorDiv(index, 12);
  const unsigned m = static_cast<unsigned>(index - y * 12) + 1;
  return Day(daysFromCivil(y, m, 1));
}

std::string utcDateTime(std::chrono::system_clock::time_point t) {
  const int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  const int64_t days = floorDiv(seconds, 86400);
  const int64_t rest = seconds - days * 86400;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s %02d:%02d:%02d", Day::fromDaysSinceEpoch(days).str().c_str(),
                static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60));
  return buf;
}

}  // namespace puq::usage
