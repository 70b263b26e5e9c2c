#pragma once
// A signed HTTP client for the daemon's API (docs/api.md "Authentication"), used by the command line.
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "puq/common/config.hpp"

namespace puq::cli {

// A failure the command reports on stderr and exits 1 with; the message names what to fix.
struct CliError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class DaemonClient {
 public:
  // host: where to connect (listen_address, with a wildcard address replaced by loopback).
  DaemonClient(std::string host, int port, std::string secret, std::string config_path);
  // From a loaded config: its [daemon] listen address and port; the secret must be loaded already.
  static DaemonClient fromConfig(const Config& config, std::string secret);

  // Sends a signed request and returns the JSON answer of a 200. Throws CliError naming the fix for
  // an unreachable daemon, a refused signature, an unknown route (an older daemon), or an error
  // answer ("message (code)"). `timeout_s` bounds the wait for the answer.
  nlohmann::json call(const std::string& method, const std::string& path,
                       const nlohmann::json& body = nlohmann::json::object(), int timeout_s = 60) const;

  std::string baseUrl() const;

 private:
  std::string host_;
  int port_;
  std::string secret_;
  std::string config_path_;
};

// The address to connect to for a listen address: 0.0.0.0 -> 127.0.0.1, :: -> ::1, else itself.
std::string connectHost(const std::string& listen_address);

}  // namespace puq::cli
