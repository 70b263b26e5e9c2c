// puq-synologyd: the puqSynology daemon. Reads its config, checks the secret, connects to the WHMCS
// database, and serves the authenticated HTTP API the PHP module calls (docs/api.md).
#include <malloc.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <iostream>
#include <mutex>
#include <thread>

#include "puq/api/daemon_parts.hpp"
#include "puq/api/server.hpp"
#include "puq/cli/cli.hpp"
#include "puq/common/auth.hpp"
#include "puq/common/config.hpp"
#include "puq/common/log.hpp"
#include "puq/common/metrics.hpp"
#include "puq/version.hpp"
#include "puq/whmcs/mariadb_store.hpp"

namespace {

constexpr const char* kDefaultConfig = puq::cli::kDefaultConfigPath;

void usage() {
  std::cout << "Usage: puq-synologyd [--config FILE] [--check-config] [--print-example-config] [--version]\n"
               "       puq-synologyd [--config FILE] status | sync | accounts | notifications ... (see 'puq-synologyd help')\n"
               "\n"
               "  --config FILE            configuration file (default " << kDefaultConfig << ")\n"
               "  --check-config           check the configuration and the secret file, explain each problem,\n"
               "                           exit 0 when usable\n"
               "  --print-example-config   print a fully commented configuration with every default\n"
               "  --version                print the version\n"
               "\n"
               "Signals: SIGTERM/SIGINT stop cleanly (logging out of every NAS); SIGHUP re-reads log_level.\n";
}

// Migrations run at start; if the database is down the daemon keeps serving (health says
// "degraded") and retries in the background instead of exiting, as a service should.
class Migrator {
 public:
  explicit Migrator(puq::whmcs::Store& store) : store_(store) {}
  ~Migrator() { stopAndJoin(); }
  void start() {
    if (tryOnce()) return;
    thread_ = std::thread([this] {
      std::unique_lock<std::mutex> lock(mutex_);
      while (!stopping_) {
        cv_.wait_for(lock, std::chrono::seconds(5));
        if (stopping_) break;
        lock.unlock();
        const bool done = tryOnce();
        lock.lock();
        if (done) break;
      }
    });
  }
  void stopAndJoin() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  bool tryOnce() {
    try {
      store_.migrate();
      spdlog::info("WHMCS database ready (puqSynology schema version {})", store_.schemaVersion());
      return true;
    } catch (const std::exception& e) {
      spdlog::error("WHMCS database not ready: {} (retrying every 5 s)", e.what());
      return false;
    }
  }
  puq::whmcs::Store& store_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  // glibc gives each thread its own malloc arena and keeps what a sync freed in it: with the worker
  // and usage threads that tripled the peak RSS (docs/performance.md). Two arenas are plenty here.
  mallopt(M_ARENA_MAX, 2);
  // A command (status, sync, ...) talks to the running daemon instead of starting one (docs/operations.md).
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (puq::cli::wantsCli(args)) return puq::cli::run(args, std::cout, std::cerr, ::isatty(STDOUT_FILENO) == 1);

  std::string config_path = kDefaultConfig;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      config_path = arg.substr(9);
    } else if (arg == "--check-config") {
      check_only = true;
    } else if (arg == "--print-example-config") {
      std::cout << puq::documentedExample();
      return 0;
    } else if (arg == "--version") {
      std::cout << "puq-synologyd " << puq::kVersion << "\n";
      return 0;
    } else if (arg == "--help" || arg == "-h") {
      usage();
      return 0;
    } else {
      std::cerr << "puq-synologyd: unknown argument '" << arg << "'\n\n";
      usage();
      return 2;
    }
  }

  if (check_only) {
    const auto problems = puq::checkConfig(config_path);
    if (problems.empty()) {
      std::cout << config_path << ": OK\n";
      return 0;
    }
    for (const auto& p : problems) std::cout << p << "\n";
    std::cout << problems.size() << " problem(s) found in " << config_path << "\n";
    return 1;
  }

  puq::Config config;
  std::string secret;
  try {
    config = puq::loadConfig(config_path);
    puq::setupLogging(config.daemon.log_level, config.daemon.log_file);
    secret = puq::loadSecretFile(config.daemon.secret_file);
  } catch (const std::exception& e) {
    std::cerr << "puq-synologyd: " << e.what() << "\n";
    return 1;
  }
  puq::log::registerSecret(secret);
  puq::log::registerSecret(config.database.password);
  puq::log::registerSecret(config.daemon.metrics_token);
  puq::log::registerSecret(config.whmcs_cc_encryption_hash);
  puq::metrics::standard();  // every metric family exists from the start (docs/operations.md)

  // Block the stop signals in every thread; one thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  puq::api::DaemonParts parts(config);
  Migrator migrator(parts.store);
  migrator.start();

  puq::api::ApiServer server(config, secret, parts.routes());
  try {
    server.bind();
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
  spdlog::info("puq-synologyd {} started (config {})", puq::kVersion, config_path);

  std::thread signal_thread([&] {
    for (;;) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      if (sig == SIGHUP) {
        try {
          auto fresh = puq::loadConfig(config_path);
          puq::setLogLevel(fresh.daemon.log_level);
          spdlog::info("SIGHUP: log level is now {}", fresh.daemon.log_level);
        } catch (const std::exception& e) {
          spdlog::error("SIGHUP: configuration not reloaded: {}", e.what());
        }
        continue;
      }
      spdlog::info("{} received, stopping", strsignal(sig));
      server.stop();
      return;
    }
  });

  server.serve();
  if (signal_thread.joinable()) {
    // serve() also returns if the listener fails; make sure the signal thread ends either way.
    pthread_kill(signal_thread.native_handle(), SIGTERM);
    signal_thread.join();
  }
  migrator.stopAndJoin();
  parts.pool.logoutAll();
  spdlog::info("puq-synologyd stopped");
  spdlog::shutdown();
  return 0;
}
