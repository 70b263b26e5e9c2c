#pragma once
// dsm-sim: a DSM 7 Web API simulator (HTTP and HTTPS) for tests, the demo and the benchmarks.
// The same class backs the dsm-sim binary and in-process tests. See docs/simulator.md.
#include <cstdint>
#include <memory>
#include <string>

namespace puq::sim {

struct Options {
  std::string bind = "127.0.0.1";
  int http_port = 0;            // 0 = pick a free port; -1 = no HTTP listener
  int https_port = 0;           // 0 = pick a free port; -1 = no HTTPS listener
  std::string profile = "dsm7"; // "dsm7" (Auth max 7, writes need v7) or "dsm6" (Auth max 6, auth.cgi)
  std::string admin_user = "puqadmin";
  std::string admin_password = "Adm1n-Passw0rd";
  std::string model = "DS918+";
  std::string version_string = "DSM 7.2.1-69057 Update 6";
  std::string state_file;       // optional: loaded at start if present, saved on every change and at stop
  std::string tls_dir;          // where the self-signed certificate is written; empty = a temp dir
  int weak_password_code = 3117;  // DSM sources disagree (3117 vs 3121); configurable
  int threads = 8;
};

struct Stats {
  uint64_t requests = 0;      // HTTP requests to /webapi/*
  uint64_t logins = 0;        // successful SYNO.API.Auth login
  uint64_t subrequests = 0;   // sub-requests inside SYNO.Entry.Request
};

class Simulator {
 public:
  explicit Simulator(Options options);
  ~Simulator();  // stops
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  void start();  // binds and serves in background threads; throws std::runtime_error on failure
  void stop();   // idempotent
  int httpPort() const;
  int httpsPort() const;
  std::string certificatePath() const;  // PEM of the self-signed certificate (for CA-pinning tests)
  Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace puq::sim
