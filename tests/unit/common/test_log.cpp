// Logging: no secret reaches a log line (asserted through the capturing sink), level handling.
#include <catch2/catch.hpp>

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "puq/common/error.hpp"
#include "puq/common/log.hpp"
#include "temp_dir.hpp"

using puq::log::LogCapture;

namespace {
// Each test starts from an empty secret registry.
struct FreshRegistry {
  FreshRegistry() { puq::log::clearRegisteredSecrets(); }
  ~FreshRegistry() { puq::log::clearRegisteredSecrets(); }
};
}  // namespace

TEST_CASE("log: registered secrets are masked in every line", "[log]") {
  FreshRegistry fresh;
  LogCapture capture;
  puq::log::registerSecret("Sup3r-S3cret-Shared-Key");
  puq::log::registerSecret("dsm\"pa\\ss");  // appears JSON-escaped in bodies
  puq::log::registerSecret("abc");           // too short to register: would mask ordinary words

  spdlog::info("signing with Sup3r-S3cret-Shared-Key now");
  spdlog::warn("twice Sup3r-S3cret-Shared-KeySup3r-S3cret-Shared-Key.");
  spdlog::error("body {}", R"({"passphrase_hint":"dsm\"pa\\ss"})");
  spdlog::debug("raw dsm\"pa\\ss end");
  spdlog::info("abc is fine");
  spdlog::trace("form pa=dsm%22pa%5Css");

  const auto lines = capture.lines();
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] == "signing with ******** now");
  CHECK(lines[1] == "twice ****************.");
  CHECK(lines[2] == R"(body {"passphrase_hint":"********"})");
  CHECK(lines[3] == "raw ******** end");
  CHECK(lines[4] == "abc is fine");
  CHECK(lines[5] == "form pa=********");
  CHECK_FALSE(capture.contains("Sup3r"));
}

TEST_CASE("log: sensitive key/values are masked whatever their spelling", "[log]") {
  FreshRegistry fresh;
  using puq::log::redact;
  CHECK(redact("GET /webapi/auth.cgi?api=SYNO.API.Auth&account=admin&passwd=hunter2&format=sid") ==
        "GET /webapi/auth.cgi?api=SYNO.API.Auth&account=admin&passwd=********&format=sid");
  CHECK(redact("query _sid=AbCdEf123&SynoToken=xyz789 done") == "query _sid=********&SynoToken=******** done");
  CHECK(redact("password=secret1") == "password=********");
  CHECK(redact("db password = hunter2 used") == "db password = ******** used");
  CHECK(redact(R"({"username":"bob","password":"hunter2","other":1})") ==
        R"({"username":"bob","password":"********","other":1})");
  CHECK(redact(R"({"password" : "with \"quotes\" inside", "x": "y"})") ==
        R"({"password" : "********", "x": "y"})");
  CHECK(redact(R"({"data":{"sid":"3Fk2x","synotoken":"tok"}})") == R"({"data":{"sid":"********","synotoken":"********"}})");
  CHECK(redact(R"({"request":"{\"passwd\":\"hunter2\",\"name\":\"x\"}"})") ==
        R"({"request":"{\"passwd\":\"********\",\"name\":\"x\"}"})");
  CHECK(redact("{'password': 'hunter2', 'user': 'bob'}") == "{'password': '********', 'user': 'bob'}");
  CHECK(redact("X-SYNO-TOKEN: abcdef") == "X-SYNO-TOKEN: ********");
  CHECK(redact("X-Puq-Signature: 0123abcd") == "X-Puq-Signature: ********");
  CHECK(redact("new_password=abc&Password=def") == "new_password=********&Password=********");
  CHECK(redact(R"({"password":"unterminated)") == R"({"password":"********)");
  // A name about a password (an error code, a setting) is not followed by one: the message stays whole.
  CHECK(redact("password_rejected: The new password was not accepted") ==
        "password_rejected: The new password was not accepted");
  CHECK(redact("secret_file=/etc/puq-synologyd/secret password_policy: strong") ==
        "secret_file=/etc/puq-synologyd/secret password_policy: strong");
  CHECK(redact("password_rejected: x password=hunter2") == "password_rejected: x password=********");
  // Ordinary text stays as it was.
  for (const char* plain : {"connected to https://nas.example.com:5001 in 12 ms", "user=bob group=clients",
                            "bad signature", "password is too short", "time 12:30:00", "a=b&c=d",
                            R"({"error":{"code":"dsm_unreachable"}})", "password=", "sid: "}) {
    CHECK(redact(plain) == plain);
  }
}

TEST_CASE("log: the registry keeps the most recent 4096 secrets", "[log]") {
  FreshRegistry fresh;
  puq::log::registerSecret("oldest-secret-0000");
  puq::log::registerSecret("kept-alive-secret");
  for (size_t i = 0; i < puq::log::kMaxRegisteredSecrets - 1; ++i) {
    puq::log::registerSecret("filler-secret-" + std::to_string(i));
    if (i == 100) puq::log::registerSecret("kept-alive-secret");  // registering again makes it recent
  }
  CHECK(puq::log::redact("oldest-secret-0000") == "oldest-secret-0000");  // evicted
  CHECK(puq::log::redact("kept-alive-secret") == "********");
  CHECK(puq::log::redact("filler-secret-0 and filler-secret-4094") == "******** and ********");
}

TEST_CASE("log: overlapping secrets mask the longest match", "[log]") {
  FreshRegistry fresh;
  puq::log::registerSecret("abcd");
  puq::log::registerSecret("abcdefgh");
  CHECK(puq::log::redact("xabcdefghx abcdx") == "x********x ********x");
}

TEST_CASE("log: concurrent logging and registering", "[log][threads]") {
  FreshRegistry fresh;
  LogCapture capture;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 200; ++i) {
        const std::string secret = "thread-" + std::to_string(t) + "-secret-" + std::to_string(i);
        puq::log::registerSecret(secret);
        spdlog::info("using {}", secret);
      }
    });
  }
  for (auto& t : threads) t.join();
  const auto lines = capture.lines();
  CHECK(lines.size() == 1600);
  for (const auto& line : lines) REQUIRE(line == "using ********");
}

TEST_CASE("log: level names", "[log]") {
  CHECK(puq::log::parseLogLevel("trace") == spdlog::level::trace);
  CHECK(puq::log::parseLogLevel("debug") == spdlog::level::debug);
  CHECK(puq::log::parseLogLevel("info") == spdlog::level::info);
  CHECK(puq::log::parseLogLevel("warn") == spdlog::level::warn);
  CHECK(puq::log::parseLogLevel("error") == spdlog::level::err);
  CHECK(puq::log::parseLogLevel("off") == spdlog::level::off);
  CHECK_THROWS_AS(puq::log::parseLogLevel("verbose"), puq::ConfigError);
  CHECK_THROWS_AS(puq::log::parseLogLevel("INFO"), puq::ConfigError);
  CHECK_THROWS_WITH(puq::log::parseLogLevel(""), Catch::Contains("allowed: trace, debug, info, warn, error, off"));
  CHECK(puq::log::isValidLogLevel("warn"));
  CHECK_FALSE(puq::log::isValidLogLevel("warning"));
}

TEST_CASE("log: setupLogging writes redacted lines to a file; setLogLevel filters", "[log]") {
  FreshRegistry fresh;
  puq::test::TempDir dir;
  const std::string file = dir.path() + "/daemon.log";
  auto previous = spdlog::default_logger();

  puq::log::setupLogging("info", file);
  puq::log::registerSecret("db-password-value");
  spdlog::debug("hidden at info");
  spdlog::info("connecting with db-password-value and passwd=xyz123");
  puq::log::setLogLevel("debug");
  spdlog::debug("shown at debug");
  puq::log::setLogLevel("off");
  spdlog::error("hidden when off");
  CHECK_THROWS_AS(puq::log::setLogLevel("loud"), puq::ConfigError);
  spdlog::set_default_logger(previous);

  std::ifstream in(file);
  std::stringstream content;
  content << in.rdbuf();
  const std::string text = content.str();
  INFO(text);
  CHECK(text.find("connecting with ******** and passwd=********") != std::string::npos);
  CHECK(text.find("[info]") != std::string::npos);
  CHECK(text.find("shown at debug") != std::string::npos);
  CHECK(text.find("hidden") == std::string::npos);
  CHECK(text.find("db-password-value") == std::string::npos);
  CHECK(text.find("xyz123") == std::string::npos);

  const std::string not_a_dir = dir.write("plain-file", "");
  CHECK_THROWS_WITH(puq::log::setupLogging("info", not_a_dir + "/x.log"),
                    Catch::Contains("cannot open log file " + not_a_dir + "/x.log"));
  CHECK_THROWS_AS(puq::log::setupLogging("chatty", ""), puq::ConfigError);
  CHECK(spdlog::default_logger() == previous);  // a failed setup leaves the logger alone
}

TEST_CASE("log: LogCapture restores the previous logger", "[log]") {
  auto before = spdlog::default_logger();
  {
    LogCapture capture;
    CHECK(spdlog::default_logger() != before);
    spdlog::info("captured");
    CHECK(capture.contains("captured"));
    capture.clear();
    CHECK(capture.lines().empty());
  }
  CHECK(spdlog::default_logger() == before);
}
