// dsm-sim: a DSM Web API simulator for tests, the demo and benchmarks. See docs/simulator.md.
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "puq/sim/simulator.hpp"

namespace {

const char* kUsage = R"(Usage: dsm-sim [options]
Simulates the Synology DSM Web API subset puqSynology uses, over HTTP and HTTPS.

  --http-port N              HTTP port (0 = any free port, -1 = off; default 5000)
  --https-port N             HTTPS port (0 = any free port, -1 = off; default 5001)
  --bind ADDR                listen address (default 127.0.0.1)
  --profile dsm7|dsm6        API profile (default dsm7)
  --admin-user U             administrator account (default puqadmin)
  --admin-password P         its password (default Adm1n-Passw0rd)
  --state-file F             JSON state, loaded at start and saved after every change
  --tls-dir D                where cert.pem/key.pem are kept (default: a temp dir)
  --ports-file F             write {"http":N,"https":N} there once listening
  --latency-ms N             delay every /webapi request by N ms
  --subrequest-latency-ms X  delay every compound sub-request by X ms
  --session-idle-seconds N   idle sid lifetime (default 900)
  --weak-password-code N     code for a password the policy refuses (3117 or 3121; default 3117)
  --model M, --version-string S, --serial S   SYNO.DSM.Info values
  --threads N                worker threads per listener (default 8)
  --log-level L              trace|debug|info|warn|error|off (default info)
  --help                     this text
)";

[[noreturn]] void usageError(const std::string& message) {
  std::cerr << "dsm-sim: " << message << "\n\n" << kUsage;
  std::exit(2);
}

int toInt(const std::string& flag, const std::string& value) {
  try {
    size_t used = 0;
    int v = std::stoi(value, &used);
    if (used != value.size()) throw std::invalid_argument(value);
    return v;
  } catch (const std::exception&) {
    usageError(flag + " needs an integer, got \"" + value + "\"");
  }
}

double toDouble(const std::string& flag, const std::string& value) {
  try {
    return std::stod(value);
  } catch (const std::exception&) {
    usageError(flag + " needs a number, got \"" + value + "\"");
  }
}

}  // namespace

int main(int argc, char** argv) {
  puq::sim::Options options;
  options.http_port = 5000;
  options.https_port = 5001;
  std::string ports_file;
  std::string log_level = "info";

  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (i + 1 >= argc) usageError("missing value for " + flag);
    std::string value = argv[++i];
    if (flag == "--http-port") options.http_port = toInt(flag, value);
    else if (flag == "--https-port") options.https_port = toInt(flag, value);
    else if (flag == "--bind") options.bind = value;
    else if (flag == "--profile") options.profile = value;
    else if (flag == "--admin-user") options.admin_user = value;
    else if (flag == "--admin-password") options.admin_password = value;
    else if (flag == "--state-file") options.state_file = value;
    else if (flag == "--tls-dir") options.tls_dir = value;
    else if (flag == "--ports-file") ports_file = value;
    else if (flag == "--latency-ms") options.latency_ms = toInt(flag, value);
    else if (flag == "--subrequest-latency-ms") options.subrequest_latency_ms = toDouble(flag, value);
    else if (flag == "--session-idle-seconds") options.session_idle_seconds = toInt(flag, value);
    else if (flag == "--weak-password-code") options.weak_password_code = toInt(flag, value);
    else if (flag == "--model") options.model = value;
    else if (flag == "--version-string") options.version_string = value;
    else if (flag == "--serial") options.serial = value;
    else if (flag == "--threads") options.threads = toInt(flag, value);
    else if (flag == "--log-level") log_level = value;
    else usageError("unknown option " + flag);
  }
  if (options.profile != "dsm7" && options.profile != "dsm6") usageError("--profile must be dsm7 or dsm6");
  auto level = spdlog::level::from_str(log_level);
  if (level == spdlog::level::off && log_level != "off") usageError("unknown --log-level " + log_level);
  spdlog::set_level(level);

  // Block the stop signals before any thread starts, so that only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  puq::sim::Simulator sim(options);
  try {
    sim.start();
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  if (!ports_file.empty()) {
    // Written to a temp name and renamed, so that a script polling for the file never reads half of it.
    std::string tmp = ports_file + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << "{\"http\":" << sim.httpPort() << ",\"https\":" << sim.httpsPort() << "}\n";
    }
    if (std::rename(tmp.c_str(), ports_file.c_str()) != 0) {
      spdlog::error("dsm-sim: cannot write {}", ports_file);
      return 1;
    }
  }
  if (sim.httpsPort() > 0) spdlog::info("dsm-sim: certificate {}", sim.certificatePath());

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("dsm-sim: signal {}, stopping", signal_number);
  sim.stop();
  return 0;
}
