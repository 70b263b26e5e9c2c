// Fuzz target "config": the daemon's configuration file (include/puq/common/config.hpp) and what it
// pulls in: WHMCS's configuration.php (parsed, never executed), the database password file and the
// shared secret file.
//
// Input: CONF [ '\0' PHP [ '\0' SECRET ] ]
//  - CONF is written to a temporary puq-synologyd.conf, with "@PHP@" replaced by the path of a file
//    holding PHP and "@SECRET@" by the path of a mode 0600 file holding SECRET (so seeds can use
//    whmcs_configuration = @PHP@, password_file = @SECRET@, secret_file = @SECRET@);
//  - loadConfig() may only throw puq::ConfigError; checkConfig() throws nothing and reports a problem
//    whenever loadConfig() refuses the file; an accepted Config respects every documented range;
//  - PHP also goes to parsePhpAssignments() and each value to splitDbHost() directly.
// To stay hermetic, inputs containing "proc" are skipped: /proc/kmsg is a "regular file" whose read
// blocks (devices, FIFOs and sockets are refused by the code under test itself).
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "puq/common/config.hpp"
#include "puq/common/error.hpp"
#include "whmcs_configuration.hpp"

namespace {

struct Scratch {
  std::string dir, conf, php, secret;
  Scratch() {
    // tmpfs when there is one: rewriting a file in place on ext4 flushes it to disk on close
    // (auto_da_alloc), which cut this target to ~150 exec/s.
    std::error_code error;
    const std::filesystem::path tmp =
        std::filesystem::is_directory("/dev/shm", error) && ::access("/dev/shm", W_OK) == 0
            ? std::filesystem::path("/dev/shm")
            : std::filesystem::temp_directory_path();
    std::string pattern = (tmp / "puq-fuzz-config-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) std::abort();
    dir = pattern;
    conf = dir + "/puq-synologyd.conf";
    php = dir + "/configuration.php";
    secret = dir + "/secret";
  }
  ~Scratch() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

Scratch& scratch() {
  static Scratch instance;
  return instance;
}

void writeFile(const std::string& path, const std::string& content, mode_t mode) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) std::abort();
  }
  ::chmod(path.c_str(), mode);
}

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

void checkAccepted(const puq::Config& c) {
  const auto& d = c.daemon;
  FUZZ_CHECK(d.listen_port >= 1 && d.listen_port <= 65535);
  FUZZ_CHECK(d.worker_threads >= 1 && d.worker_threads <= 256);
  FUZZ_CHECK(d.max_queued_requests >= 1 && d.max_queued_requests <= 100000);
  FUZZ_CHECK(d.max_body_bytes >= 1024 && d.max_body_bytes <= 67108864);
  FUZZ_CHECK(d.replay_window_seconds >= 10 && d.replay_window_seconds <= 3600);
  FUZZ_CHECK(d.allow_remote || puq::isLoopbackAddress(d.listen_address));
  FUZZ_CHECK(!d.secret_file.empty() && d.secret_file[0] == '/');
  FUZZ_CHECK(d.log_file.empty() || d.log_file[0] == '/');
  FUZZ_CHECK(!c.database.user.empty() && !c.database.database.empty());
  FUZZ_CHECK(c.database.port >= 1 && c.database.port <= 65535);
  FUZZ_CHECK(c.dsm.connect_timeout_ms >= 100 && c.dsm.timeout_ms >= 1000);
  FUZZ_CHECK(c.dsm.usage_batch_size >= 1 && c.dsm.usage_max_in_flight >= 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  if (input.find("proc") != std::string::npos) return 0;

  std::vector<std::string> parts(3);
  for (size_t start = 0, part = 0; part < 3; ++part) {
    const size_t nul = part < 2 ? input.find('\0', start) : std::string::npos;
    parts[part] = input.substr(start, nul == std::string::npos ? std::string::npos : nul - start);
    if (nul == std::string::npos) break;
    start = nul + 1;
  }

  // configuration.php on its own.
  for (const auto& [name, value] : puq::whmcs_php::parsePhpAssignments(parts[1])) {
    FUZZ_CHECK(!name.empty() && value.line >= 1);
    const auto host = puq::whmcs_php::splitDbHost(value.value);
    if (host.port) FUZZ_CHECK(*host.port >= 1 && *host.port <= 65535);
  }

  Scratch& s = scratch();
  const std::string conf = replaceAll(replaceAll(parts[0], "@PHP@", s.php), "@SECRET@", s.secret);
  writeFile(s.conf, conf, 0600);
  writeFile(s.php, parts[1], 0600);
  writeFile(s.secret, parts[2], 0600);

  bool accepted = false;
  try {
    checkAccepted(puq::loadConfig(s.conf));
    accepted = true;
  } catch (const puq::ConfigError& e) {
    FUZZ_CHECK(std::string(e.what()).find("invalid configuration") == 0);
  }
  const std::vector<std::string> problems = puq::checkConfig(s.conf);
  if (!accepted) FUZZ_CHECK(!problems.empty());
  return 0;
}
