// The configuration of the operations features (docs/operations.md): [daemon] metrics_token, and
// $cc_encryption_hash read from WHMCS's configuration.php for the command line's stored-credentials sync.
#include <catch2/catch.hpp>

#include "puq/common/config.hpp"
#include "puq/common/error.hpp"
#include "temp_dir.hpp"

using puq::test::TempDir;

namespace {
const char* kMinimalDatabase = "[database]\nuser = whmcs\nname = whmcs\n";

std::string problemOf(const std::string& path) {
  try {
    puq::loadConfig(path);
  } catch (const puq::ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("config: metrics_token is empty by default, and checked when set", "[config][metrics]") {
  TempDir dir;
  CHECK(puq::loadConfig(dir.write("a.conf", kMinimalDatabase)).daemon.metrics_token.empty());

  const std::string token = "Prom3theus-Scrape-Token-0123";
  const auto c = puq::loadConfig(dir.write("b.conf", "[daemon]\nmetrics_token = " + token + "\n" + kMinimalDatabase));
  CHECK(c.daemon.metrics_token == token);

  const std::string short_one = problemOf(dir.write("c.conf", "[daemon]\nmetrics_token = short\n" + std::string(kMinimalDatabase)));
  CHECK(short_one.find("metrics_token") != std::string::npos);
  CHECK(short_one.find("short") == std::string::npos);  // a secret is never echoed
  const std::string spaced = problemOf(
      dir.write("d.conf", "[daemon]\nmetrics_token = \"with a space 0123456789\"\n" + std::string(kMinimalDatabase)));
  CHECK(spaced.find("space") != std::string::npos);
}

TEST_CASE("config: --check-config reports a world-readable file holding metrics_token", "[config][metrics]") {
  TempDir dir;
  const std::string secret = dir.write("secret", "0123456789abcdef0123456789abcdef0123456789");
  const std::string body = "[daemon]\nsecret_file = " + secret + "\nmetrics_token = Prom3theus-Scrape-Token-0123\n" +
                           kMinimalDatabase;
  const auto readable = puq::checkConfig(dir.write("open.conf", body, 0644));
  REQUIRE(readable.size() == 1);
  CHECK(readable[0].find("metrics_token") != std::string::npos);
  CHECK(readable[0].find("chmod 640") != std::string::npos);
  CHECK(puq::checkConfig(dir.write("closed.conf", body, 0640)).empty());
}

TEST_CASE("config: $cc_encryption_hash is read from configuration.php when it is a plain value", "[config]") {
  TempDir dir;
  const std::string hash = "Zq8pLm3N7vR2tY6wXc9bHs4dFg1kJe5aQu0iOy8rTz3nWm7pLx2cVb6hGf9sDk4j";
  SECTION("plain literal") {
    const std::string php = dir.write("configuration.php",
                                      "<?php\n$db_username = 'w';\n$db_name = 'w';\n$cc_encryption_hash = '" + hash +
                                          "';\n");
    const auto c = puq::loadConfig(dir.write("p.conf", "[database]\nwhmcs_configuration = " + php + "\n"));
    CHECK(c.whmcs_cc_encryption_hash == hash);
  }
  SECTION("absent or not a literal: empty, and no problem (only the command line's sync needs it)") {
    const std::string php = dir.write("configuration.php",
                                      "<?php\n$db_username = 'w';\n$db_name = 'w';\n"
                                      "$cc_encryption_hash = getenv('CC_HASH');\n");
    const auto c = puq::loadConfig(dir.write("p.conf", "[database]\nwhmcs_configuration = " + php + "\n"));
    CHECK(c.whmcs_cc_encryption_hash.empty());
  }
  SECTION("without whmcs_configuration") {
    CHECK(puq::loadConfig(dir.write("q.conf", kMinimalDatabase)).whmcs_cc_encryption_hash.empty());
  }
}
