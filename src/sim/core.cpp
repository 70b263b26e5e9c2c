#include "core.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace puq::sim {

namespace fs = std::filesystem;

namespace {

SimState loadOrCreateState(const Options& options) {
  if (!options.state_file.empty() && fs::exists(options.state_file)) {
    std::ifstream in(options.state_file);
    auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded()) throw std::runtime_error("dsm-sim: state file is not JSON: " + options.state_file);
    SimState s;
    try {
      s = SimState::fromJson(j);
    } catch (const std::exception& e) {
      throw std::runtime_error("dsm-sim: bad state file " + options.state_file + ": " + e.what());
    }
    // The account the operator named on the command line must exist; an existing one is kept as it
    // is (its password may have been changed through the API, as on a real NAS).
    if (!options.admin_user.empty() && !s.findUser(options.admin_user)) {
      auto& admin = s.addUser(options.admin_user, options.admin_password);
      s.groups["administrators"].members.insert(nameKey(admin.name));
    }
    spdlog::info("dsm-sim: loaded {} users, {} groups from {}", s.users.size(), s.groups.size(),
                 options.state_file);
    return s;
  }
  return SimState::initial(options);
}

}  // namespace

Core::Core(Options opts) : options(std::move(opts)), state(loadOrCreateState(options)) {
  faults = initialFaults();
}

Faults Core::initialFaults() const {
  Faults f;
  f.latency_ms = options.latency_ms;
  f.subrequest_latency_ms = options.subrequest_latency_ms;
  return f;
}

void Core::persistLocked() {
  if (options.state_file.empty()) return;
  // Write a sibling temp file and rename it over the old one: a reader (or a crash) never sees half a file.
  const std::string tmp = options.state_file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << state.toJson().dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (!out) {
      spdlog::warn("dsm-sim: cannot write state file {}", tmp);
      return;
    }
  }
  if (std::rename(tmp.c_str(), options.state_file.c_str()) != 0)
    spdlog::warn("dsm-sim: cannot rename {} to {}", tmp, options.state_file);
}

void Core::resetLocked() {
  state = SimState::initial(options);
  sessions.clear();
  join_tasks.clear();
  faults = initialFaults();
  persistLocked();
}

bool Core::sleepFor(double milliseconds) {
  if (milliseconds <= 0) return !stopping();
  std::unique_lock<std::mutex> lock(sleep_mu_);
  auto deadline = Clock::now() + std::chrono::microseconds(static_cast<int64_t>(milliseconds * 1000));
  return !sleep_cv_.wait_until(lock, deadline, [this] { return stopping_.load(); });
}

void Core::beginStop() {
  {
    std::lock_guard<std::mutex> lock(sleep_mu_);
    stopping_ = true;
  }
  sleep_cv_.notify_all();
}

}  // namespace puq::sim
