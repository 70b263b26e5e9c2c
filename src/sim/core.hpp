#pragma once
// Everything the simulator's HTTP handlers share: options, the NAS state, sessions, injected faults and
// counters, all behind one mutex (`mu`). Sleeps (latency, hangs) are always taken without it.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "puq/sim/simulator.hpp"
#include "state.hpp"

namespace puq::sim {

using Clock = std::chrono::steady_clock;

struct Session {
  std::string sid;
  std::string user_key;      // nameKey of the account
  int auth_version = 0;      // SYNO.API.Auth version of the login (dsm-api.md §2: v7 needed for writes)
  std::string synotoken;     // empty when enable_syno_token was not asked
  std::string session_name;  // the login's `session` label
  Clock::time_point last_used;
  int revoked_code = 0;      // non-zero: every use answers this code (106 idle, or /control expire_sessions)
};

// A DSM error answered instead of running the handler, for the next `remaining` matching calls.
struct FailRule {
  std::string api;
  std::string method;  // empty or "*" = any method
  int code = 0;
  int remaining = 1;   // -1 = always
};

struct Faults {
  int latency_ms = 0;                // every /webapi request
  double subrequest_latency_ms = 0;  // every SYNO.Entry.Request sub-request
  std::vector<FailRule> fail;
  int http_status = 0;
  int http_status_count = 0;
  int not_json_count = 0;
  int hang_ms = 0;
  int hang_count = 0;
  int reset_connection_count = 0;
};

class Core {
 public:
  explicit Core(Options options);

  const Options options;

  std::mutex mu;  // guards every member below
  SimState state;
  std::map<std::string, Session> sessions;  // key: sid
  Faults faults;
  Stats stats;
  std::map<std::string, nlohmann::json> join_tasks;  // SYNO.Core.User.Group join task_id -> status data
  const Clock::time_point started = Clock::now();

  // Call after every change of `state` (with mu held): writes the state file if one is configured.
  void persistLocked();
  // Back to the initial NAS (built-in accounts and groups, the Options admin), no sessions, no faults.
  void resetLocked();
  // The faults the Options ask for at start (latency).
  Faults initialFaults() const;

  // Sleeps without holding mu; returns early (false) when the simulator is stopping.
  bool sleepFor(double milliseconds);
  void beginStop();
  bool stopping() const { return stopping_.load(); }

 private:
  std::atomic<bool> stopping_{false};
  std::mutex sleep_mu_;
  std::condition_variable sleep_cv_;
};

}  // namespace puq::sim
