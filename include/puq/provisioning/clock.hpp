#pragma once
// Wall-clock time behind an interface so the date macros of the username rule can be tested. Consumers
// that format dates (username macros) use UTC, never the machine's local zone.
#include <chrono>
#include <cstdint>

namespace puq::provisioning {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
};

class SystemClock : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::now(); }
};

// A clock that only moves when told to (tests).
class FixedClock : public Clock {
 public:
  explicit FixedClock(std::chrono::system_clock::time_point at = {}) : at_(at) {}
  static FixedClock atUnixSeconds(int64_t seconds) {
    return FixedClock(std::chrono::system_clock::time_point(std::chrono::seconds(seconds)));
  }
  std::chrono::system_clock::time_point now() const override { return at_; }
  void set(std::chrono::system_clock::time_point at) { at_ = at; }
  void advance(std::chrono::system_clock::duration by) { at_ += by; }

 private:
  std::chrono::system_clock::time_point at_;
};

}  // namespace puq::provisioning
