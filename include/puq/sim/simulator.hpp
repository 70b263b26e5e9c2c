#pragma once
// dsm-sim: a DSM 7 Web API simulator (HTTP and HTTPS) for tests, the demo and the benchmarks.
// The same class backs the dsm-sim binary and in-process tests. See docs/simulator.md.
#include <cstdint>
#include <map>
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
  // Added by the simulator implementation (docs/simulator.md):
  int session_idle_seconds = 900;     // a sid unused this long answers 106
  int latency_ms = 0;                 // added to every /webapi request (control can change it)
  double subrequest_latency_ms = 0;   // added to every SYNO.Entry.Request sub-request
  std::string serial = "2010PDN123456";  // SYNO.DSM.Info getinfo
  int ram_mb = 4096;
  int temperature = 40;
  std::string codepage = "enu";
};

struct Stats {
  uint64_t requests = 0;      // HTTP requests to /webapi/*
  uint64_t logins = 0;        // successful SYNO.API.Auth login
  uint64_t subrequests = 0;   // sub-requests inside SYNO.Entry.Request
  uint64_t without_synotoken = 0;         // session calls that carried no SynoToken although one was issued
  std::map<std::string, uint64_t> per_api;  // "SYNO.Core.User" -> calls (top-level and sub-requests)
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
