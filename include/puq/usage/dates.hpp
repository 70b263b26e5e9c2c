#pragma once
// Calendar days for the usage history. The daemon decides which day a sample belongs to (UTC), and
// passes it to SQL explicitly instead of CURDATE(), so tests control the days with a FixedClock.
#include <chrono>
#include <cstdint>
#include <string>

namespace puq::usage {

// A day of the proleptic Gregorian calendar, stored as days since 1970-01-01.
class Day {
 public:
  constexpr Day() = default;
  static Day fromDaysSinceEpoch(int64_t days) { return Day(days); }
  static Day fromCivil(int year, int month, int day);
  // The UTC day of a point in time.
  static Day fromTime(std::chrono::system_clock::time_point t);
  // "YYYY-MM-DD"; throws puq::BadRequest when malformed or not a real date.
  static Day parse(const std::string& text);

  int64_t daysSinceEpoch() const { return days_; }
  int year() const;
  int month() const;       // 1..12
  int dayOfMonth() const;  // 1..31
  std::string str() const;       // "YYYY-MM-DD"
  std::string monthStr() const;  // "YYYY-MM"

  Day plusDays(int64_t n) const { return Day(days_ + n); }
  // The first day of the month `n` months after (negative: before) this day's month.
  Day firstOfMonthPlus(int n) const;

  friend bool operator==(Day a, Day b) { return a.days_ == b.days_; }
  friend bool operator!=(Day a, Day b) { return a.days_ != b.days_; }
  friend bool operator<(Day a, Day b) { return a.days_ < b.days_; }
  friend bool operator<=(Day a, Day b) { return a.days_ <= b.days_; }

 private:
  explicit constexpr Day(int64_t days) : days_(days) {}
  int64_t days_ = 0;
};

// "YYYY-MM-DD HH:MM:SS" in UTC (a DATETIME value for the daemon's own tables).
std::string utcDateTime(std::chrono::system_clock::time_point t);

}  // namespace puq::usage
