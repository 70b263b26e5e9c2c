// The configuration file: parsing, validation with every problem reported, configuration.php import,
// and the shipped example kept identical to the option table.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <sstream>

#include "puq/common/config.hpp"
#include "puq/common/error.hpp"
#include "temp_dir.hpp"

using puq::Config;
using puq::ConfigError;
using puq::test::TempDir;

namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The message of the ConfigError loadConfig throws (fails the test when it does not throw).
std::string loadError(const std::string& path) {
  try {
    puq::loadConfig(path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  FAIL("loadConfig accepted " << path);
  return "";
}

const char* kMinimalDatabase = "[database]\nuser = whmcs\nname = whmcs\n";

}  // namespace

TEST_CASE("config: a complete valid file sets every field", "[config]") {
  TempDir dir;
  const std::string password_file = dir.write("db-password", "  s3cret-from-file\n");
  const std::string ca = dir.write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
  const std::string path = dir.write("puq.conf",
                                     "# comment\n"
                                     "; another comment\n"
                                     "\n"
                                     "[daemon]\n"
                                     "listen_address = ::1\n"
                                     "listen_port=9001\n"
                                     "  allow_remote = no  \n"
                                     "secret_file = " + dir.path() + "/secret\n"
                                     "worker_threads = 16\n"
                                     "max_queued_requests = 10\n"
                                     "max_body_bytes = 2048\n"
                                     "replay_window_seconds = 60\n"
                                     "log_level = debug\n"
                                     "log_file = \"" + dir.path() + "/daemon.log\"   # quoted, then a comment\n"
                                     "[database]\r\n"
                                     "host = db.internal\r\n"
                                     "port = 3307\n"
                                     "socket = /run/mysqld/mysqld.sock\n"
                                     "user = whmcs_rw\n"
                                     "password = pass#word;not a comment\n"
                                     "password_file = " + password_file + "\n"
                                     "name = whmcs_prod\n"
                                     "connect_timeout_s = 3\n"
                                     "read_timeout_s = 40\n"
                                     "write_timeout_s = 50\n"
                                     "pool_size = 8\n"
                                     "reconnect_attempts = 0\n"
                                     "[dsm]\n"
                                     "connect_timeout_ms = 1500\n"
                                     "timeout_ms = 20000\n"
                                     "ca_file = " + ca + "\n"
                                     "usage_batch_size = 25\n"
                                     "usage_max_in_flight = 4\n");
  const Config c = puq::loadConfig(path);
  CHECK(c.source_path == path);
  CHECK(c.daemon.listen_address == "::1");
  CHECK(c.daemon.listen_port == 9001);
  CHECK_FALSE(c.daemon.allow_remote);
  CHECK(c.daemon.secret_file == dir.path() + "/secret");
  CHECK(c.daemon.worker_threads == 16);
  CHECK(c.daemon.max_queued_requests == 10);
  CHECK(c.daemon.max_body_bytes == 2048);
  CHECK(c.daemon.replay_window_seconds == 60);
  CHECK(c.daemon.log_level == "debug");
  CHECK(c.daemon.log_file == dir.path() + "/daemon.log");
  CHECK(c.database.host == "db.internal");
  CHECK(c.database.port == 3307);
  CHECK(c.database.socket == "/run/mysqld/mysqld.sock");
  CHECK(c.database.user == "whmcs_rw");
  CHECK(c.database.password == "s3cret-from-file");  // password_file wins over password, trimmed
  CHECK(c.database.database == "whmcs_prod");
  CHECK(c.database.connect_timeout_s == 3);
  CHECK(c.database.read_timeout_s == 40);
  CHECK(c.database.write_timeout_s == 50);
  CHECK(c.database.pool_size == 8);
  CHECK(c.database.reconnect_attempts == 0);
  CHECK(c.whmcs_configuration.empty());
  CHECK(c.dsm.connect_timeout_ms == 1500);
  CHECK(c.dsm.timeout_ms == 20000);
  CHECK(c.dsm.ca_file == ca);
  CHECK(c.dsm.usage_batch_size == 25);
  CHECK(c.dsm.usage_max_in_flight == 4);
  CHECK(c.database.origin == "[database] in " + path);
}

TEST_CASE("config: unset options keep their defaults; inline password is used without password_file",
          "[config]") {
  TempDir dir;
  const std::string path = dir.write("puq.conf", std::string(kMinimalDatabase) + "password = \"  spaced \\\"q\\\" \"\n");
  const Config c = puq::loadConfig(path);
  const Config defaults;
  CHECK(c.daemon.listen_address == defaults.daemon.listen_address);
  CHECK(c.daemon.listen_port == 8733);
  CHECK(c.daemon.secret_file == "/etc/puq-synologyd/secret");
  CHECK(c.daemon.max_body_bytes == 1048576);
  CHECK(c.database.host == "127.0.0.1");
  CHECK(c.database.port == 3306);
  CHECK(c.database.password == "  spaced \"q\" ");
  CHECK(c.dsm.timeout_ms == 30000);
}

TEST_CASE("config: every problem is reported at once, with file and line", "[config]") {
  TempDir dir;
  const std::string path = dir.write("puq.conf",
                                     "[daemon]\n"                          // 1
                                     "lisen_port = 9000\n"                 // 2 unknown key, suggestion
                                     "worker_threads = many\n"             // 3 not a number
                                     "max_body_bytes = 10\n"               // 4 out of range
                                     "listen_address = 0.0.0.0\n"          // 5 non-loopback
                                     "allow_remote = maybe\n"              // 6 not a boolean
                                     "[database]\n"                        // 7
                                     "user = whmcs\n"                      // 8
                                     "name = whmcs\n"                      // 9
                                     "password_file = " + dir.path() + "/missing-password\n"  // 10 unreadable
                                     "timeout_ms = 100\n"                  // 11 wrong section
                                     "[deamon]\n"                          // 12 unknown section
                                     "whatever = 1\n");                    // 13 ignored: section reported
  const std::string message = loadError(path);
  INFO(message);
  CHECK(message.find("8 problems") != std::string::npos);
  CHECK(message.find(path + ":2: unknown key 'lisen_port' in [daemon]; did you mean 'listen_port'?") !=
        std::string::npos);
  CHECK(message.find(path + ":3: [daemon] worker_threads: 'many' is not a whole number; allowed: a whole number "
                            "from 1 to 256") != std::string::npos);
  CHECK(message.find(path + ":4: [daemon] max_body_bytes: 10 is out of range; allowed: a whole number from 1024") !=
        std::string::npos);
  CHECK(message.find(path + ":5: [daemon] listen_address = 0.0.0.0 is not a loopback address") != std::string::npos);
  CHECK(message.find("allow_remote = true") != std::string::npos);
  CHECK(message.find(path + ":6: [daemon] allow_remote: 'maybe' is not a boolean") != std::string::npos);
  CHECK(message.find(path + ":10: [database] password_file: cannot read " + dir.path() + "/missing-password") !=
        std::string::npos);
  CHECK(message.find(path + ":11: unknown key 'timeout_ms' in [database]; 'timeout_ms' belongs in [dsm]") !=
        std::string::npos);
  CHECK(message.find(path + ":12: unknown section [deamon]; did you mean [daemon]?") != std::string::npos);
  CHECK(message.find(":13:") == std::string::npos);

  // checkConfig reports the same problems as a list (plus the deployment checks: here the secret file).
  const auto problems = puq::checkConfig(path);
  REQUIRE(problems.size() == 9);
  CHECK(problems[0].rfind(path + ":2: unknown key 'lisen_port'", 0) == 0);
  CHECK(problems.back().find("secret_file") != std::string::npos);
}

TEST_CASE("config: syntax problems", "[config]") {
  TempDir dir;
  const std::string path = dir.write("puq.conf",
                                     "listen_port = 1\n"              // 1 outside any section
                                     "[daemon\n"                      // 2 malformed header
                                     "[daemon]\n"                     // 3
                                     "just some words\n"              // 4 not key = value
                                     " = 5\n"                         // 5 no key
                                     "log_file = \"/var/log/x\n"      // 6 unterminated quote
                                     "log_level = \"info\" trailing\n"  // 7 text after quote
                                     "listen_port = 1\n"              // 8
                                     "listen_port = 2\n"              // 9 duplicate
                                     "log_level = verbose\n"          // 10 duplicate (reported as such)
                                     "secret_file = relative/secret\n"  // 11 not absolute
                                     "\n" + std::string(kMinimalDatabase));
  const std::string message = loadError(path);
  INFO(message);
  CHECK(message.find(":1: 'listen_port' is outside any section") != std::string::npos);
  CHECK(message.find(":2: malformed section header '[daemon'") != std::string::npos);
  CHECK(message.find(":4: expected 'key = value' or '[section]'") != std::string::npos);
  CHECK(message.find("just some words") == std::string::npos);  // a stray line may be a password: not echoed
  CHECK(message.find(":5: missing key name") != std::string::npos);
  CHECK(message.find(":6: [daemon] log_file: the quoted value has no closing \"") != std::string::npos);
  CHECK(message.find(":7: [daemon] log_level: unexpected text after the closing quote") != std::string::npos);
  CHECK(message.find(":9: [daemon] listen_port is set twice (first on line 8)") != std::string::npos);
  CHECK(message.find(":10: [daemon] log_level is set twice (first on line 7)") != std::string::npos);
  CHECK(message.find(":11: [daemon] secret_file: 'relative/secret' is not an absolute path") != std::string::npos);
}

TEST_CASE("config: value checks", "[config]") {
  TempDir dir;
  auto problemFor = [&](const std::string& section_and_line) {
    const std::string path =
        dir.write("puq.conf", std::string(kMinimalDatabase) + section_and_line + "\n");
    return loadError(path);
  };
  CHECK(problemFor("[daemon]\nlisten_port = 0").find("0 is out of range; allowed: a whole number from 1 to 65535") !=
        std::string::npos);
  CHECK(problemFor("[daemon]\nlisten_port = 65536").find("65536 is out of range") != std::string::npos);
  CHECK(problemFor("[daemon]\nlisten_port = 99999999999999999999").find("is not a whole number") !=
        std::string::npos);
  CHECK(problemFor("[daemon]\nworker_threads = 257").find("257 is out of range") != std::string::npos);
  CHECK(problemFor("[daemon]\nlog_level = loud").find("'loud' is not a log level; allowed: trace, debug, info, "
                                                      "warn, error or off") != std::string::npos);
  CHECK(problemFor("[daemon]\nlisten_address = nas.example.com").find("is not an IP address") != std::string::npos);
  CHECK(problemFor("[database]\nport = -1").find("-1 is out of range") != std::string::npos);
  CHECK(problemFor("[dsm]\nca_file = " + dir.path() + "/none.pem").find("ca_file " + dir.path() +
                                                                         "/none.pem is not usable") !=
        std::string::npos);
  CHECK(problemFor("[database]\npassword_file = " + dir.path()).find("password_file: cannot read " + dir.path() +
                                                                     ": not a regular file") != std::string::npos);
  CHECK(problemFor("[dsm]\ntimout_ms = 5").find("did you mean 'timeout_ms'?") != std::string::npos);
  CHECK(problemFor("[dsm]\nfrobnicate = 5").find("unknown key 'frobnicate' in [dsm]; allowed keys: "
                                                 "connect_timeout_ms, timeout_ms") != std::string::npos);

  // The database needs a user and a name from somewhere.
  const std::string empty_db = dir.write("empty.conf", "[daemon]\n");
  const std::string message = loadError(empty_db);
  CHECK(message.find("[database] has no user") != std::string::npos);
  CHECK(message.find("[database] has no name") != std::string::npos);
}

TEST_CASE("config: listening beyond loopback needs allow_remote", "[config]") {
  TempDir dir;
  for (const char* loopback : {"127.0.0.1", "127.10.20.30", "::1", "localhost", "::ffff:127.0.0.1"}) {
    const std::string path =
        dir.write("puq.conf", std::string("[daemon]\nlisten_address = ") + loopback + "\n" + kMinimalDatabase);
    CHECK_NOTHROW(puq::loadConfig(path));
  }
  for (const char* remote : {"0.0.0.0", "::", "192.168.1.5", "fe80::1", "128.0.0.1"}) {
    INFO(remote);
    const std::string refused =
        dir.write("puq.conf", std::string("[daemon]\nlisten_address = ") + remote + "\n" + kMinimalDatabase);
    CHECK(loadError(refused).find("is not a loopback address") != std::string::npos);
    const std::string allowed = dir.write(
        "puq.conf", std::string("[daemon]\nallow_remote = true\nlisten_address = ") + remote + "\n" + kMinimalDatabase);
    CHECK(puq::loadConfig(allowed).daemon.allow_remote);
  }
  CHECK(puq::isLoopbackAddress("LOCALHOST"));
  CHECK_FALSE(puq::isLoopbackAddress("localhost.example.com"));
  CHECK_FALSE(puq::isLoopbackAddress(""));
}

TEST_CASE("config: database settings imported from WHMCS configuration.php", "[config][whmcs]") {
  TempDir dir;
  const std::string php = dir.write("configuration.php",
                                    "<?php\n"
                                    "$license = 'WHMCS-0123456789';\n"
                                    "// $db_password = 'commented-out';\n"
                                    "# $db_username = 'commented-out';\n"
                                    "/* $db_name = 'commented-out';\n"
                                    "   $db_host = 'commented-out'; */\n"
                                    "$db_host = 'db.example.com:3307';\n"
                                    "$db_port = '';\n"
                                    "$db_username = \"whmcs_user\";\n"
                                    "$db_password = 'it\\'s a \\\\ pa$$word \"x\" \\n';\n"
                                    "$db_name = \"whmcs\\x5fdb\";\n"
                                    "$cc_encryption_hash = 'abcdefghijklmnopqrstuvwxyz';\n"
                                    "$templates_compiledir = 'templates_c';\n"
                                    "$mysql_charset = 'utf8';\n",
                                    0640);

  SECTION("every variable read, escapes decoded, host:port split") {
    const std::string path =
        dir.write("puq.conf", "[database]\nwhmcs_configuration = " + php + "\n");
    const Config c = puq::loadConfig(path);
    CHECK(c.whmcs_configuration == php);
    CHECK(c.database.origin == "[database] in " + path + " and " + php);
    CHECK(c.database.host == "db.example.com");
    CHECK(c.database.port == 3307);
    CHECK(c.database.user == "whmcs_user");
    CHECK(c.database.password == "it's a \\ pa$$word \"x\" \\n");  // single quotes: only \' and \\ escape
    CHECK(c.database.database == "whmcs_db");
  }

  SECTION("keys in our file win over configuration.php") {
    const std::string password_file = dir.write("db-password", "from-password-file\n");
    const std::string path = dir.write("puq.conf",
                                       "[database]\n"
                                       "whmcs_configuration = " + php + "\n"
                                       "user = our_user\n"
                                       "password_file = " + password_file + "\n"
                                       "port = 3310\n");
    const Config c = puq::loadConfig(path);
    CHECK(c.database.user == "our_user");
    CHECK(c.database.password == "from-password-file");
    CHECK(c.database.port == 3310);               // explicit port beats the one in $db_host
    CHECK(c.database.host == "db.example.com");   // not set here: from configuration.php
    CHECK(c.database.database == "whmcs_db");
  }

  SECTION("an explicit password (without password_file) also wins") {
    const std::string path = dir.write(
        "puq.conf", "[database]\nwhmcs_configuration = " + php + "\npassword = ours\nhost = localhost\n");
    const Config c = puq::loadConfig(path);
    CHECK(c.database.password == "ours");
    CHECK(c.database.host == "localhost");
    CHECK(c.database.port == 3306);  // our host carries no port; $db_port is empty
  }
}

TEST_CASE("config: configuration.php variants", "[config][whmcs]") {
  TempDir dir;
  auto load = [&](const std::string& php_body, const std::string& extra = "") {
    const std::string php = dir.write("configuration.php", "<?php\n" + php_body);
    return dir.write("puq.conf", "[database]\nwhmcs_configuration = " + php + "\n" + extra);
  };

  SECTION("double-quoted escapes, $db_port, later assignment wins") {
    const Config c = puq::loadConfig(load("$db_host = 'first';\n"
                                          "$db_host = \"10.0.0.5\";\n"
                                          "$db_port = '3308';\n"
                                          "$db_username = 'u';\n"
                                          "$db_password = \"tab\\there \\$x \\\"q\\\" \\\\ \\101\\u{e9}\";\n"
                                          "$db_name = 'n';\n"));
    CHECK(c.database.host == "10.0.0.5");
    CHECK(c.database.port == 3308);
    CHECK(c.database.password == "tab\there $x \"q\" \\ A\xC3\xA9");
  }

  SECTION("IPv6 host with port, numeric $db_port, socket in $db_host") {
    Config c = puq::loadConfig(load("$db_host = '[::1]:3309'; $db_username = 'u'; $db_name = 'n';\n"));
    CHECK(c.database.host == "::1");
    CHECK(c.database.port == 3309);
    c = puq::loadConfig(load("$db_host = 'localhost:/run/mysqld/mysqld.sock'; $db_port = 3311;\n"
                             "$db_username = 'u'; $db_name = 'n';\n"));
    CHECK(c.database.host == "localhost");
    CHECK(c.database.socket == "/run/mysqld/mysqld.sock");
    CHECK(c.database.port == 3311);
  }

  SECTION("an expression is refused (PHP is not executed) unless our file sets the key") {
    const std::string with_getenv = load("$db_username = 'u'; $db_name = 'n';\n"
                                         "$db_password = getenv('DB_PASS');\n");
    const std::string message = loadError(with_getenv);
    CHECK(message.find("$db_password in " + dir.path() + "/configuration.php (line 3) is not a plain quoted value") !=
          std::string::npos);
    CHECK(message.find("set password or password_file in [database]") != std::string::npos);

    CHECK(puq::loadConfig(load("$db_username = 'u'; $db_name = 'n';\n$db_password = getenv('DB_PASS');\n",
                               "password = explicit\n"))
              .database.password == "explicit");
    CHECK(loadError(load("$db_username = 'u'; $db_name = 'n';\n$db_password = \"pre{$suffix}\";\n"))
              .find("not a plain quoted value") != std::string::npos);
    CHECK(loadError(load("$db_username = 'u'; $db_name = 'n';\n$db_password = 'a' . 'b';\n"))
              .find("not a plain quoted value") != std::string::npos);
  }

  SECTION("missing variables and a missing file are reported") {
    const std::string message = loadError(load("$db_host = 'h';\n"));
    CHECK(message.find("[database] has no user (not found in " + dir.path() + "/configuration.php either)") !=
          std::string::npos);
    const std::string missing =
        dir.write("puq.conf", "[database]\nwhmcs_configuration = " + dir.path() + "/nope.php\nuser = u\nname = n\n");
    CHECK(loadError(missing).find(":2: cannot read whmcs_configuration " + dir.path() + "/nope.php") !=
          std::string::npos);
  }
}

TEST_CASE("config: checkConfig adds deployment checks", "[config]") {
  TempDir dir;
  const std::string secret = dir.write("secret", std::string(48, 'k') + "\n", 0600);
  const std::string good = dir.write("good.conf", "[daemon]\nsecret_file = " + secret + "\n" + kMinimalDatabase, 0640);
  CHECK(puq::checkConfig(good).empty());

  const std::string loose_secret = dir.write("loose-secret", std::string(48, 'k'), 0644);
  const std::string bad = dir.write("bad.conf",
                                    "[daemon]\nsecret_file = " + loose_secret + "\nlog_level = info\n" +
                                        kMinimalDatabase + "password = hunter22\n",
                                    0644);
  const auto problems = puq::checkConfig(bad);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].find(bad + ":2: [daemon] secret_file: secret file " + loose_secret +
                         " gives its group more than read access or others any access (mode 0644); "
                         "restrict it: chmod 640") !=
        std::string::npos);
  CHECK(problems[1].find(bad + ":7: this file holds the database password and is readable by every user") !=
        std::string::npos);

  CHECK(puq::checkConfig(dir.path() + "/absent.conf").at(0).find("cannot read the configuration file") !=
        std::string::npos);
}

TEST_CASE("config: the shipped example is exactly documentedExample()", "[config][example]") {
  const std::string shipped = readFile(std::string(PUQ_SOURCE_DIR) + "/config/puq-synologyd.conf.example");
  // On a mismatch the expected text is written to <build dir>/puq-synologyd.conf.example.expected:
  // review it and copy it over config/puq-synologyd.conf.example.
  if (shipped != puq::documentedExample()) {
    std::ofstream(std::string(PUQ_BINARY_DIR) + "/puq-synologyd.conf.example.expected") << puq::documentedExample();
  }
  CHECK(shipped == puq::documentedExample());
}

TEST_CASE("config: the example documents every option and its defaults parse back to the defaults",
          "[config][example]") {
  const std::string example = puq::documentedExample();
  for (const auto& option : puq::configOptions()) {
    INFO(option.section << "." << option.key);
    CHECK(example.find("\n#" + option.key + " =") != std::string::npos);
    CHECK_FALSE(option.help.empty());
    CHECK_FALSE(option.allowed.empty());
  }
  // Uncomment every option line: the result is a valid file equal to the defaults (plus a database).
  std::istringstream in(example);
  std::string line, uncommented;
  const std::regex option_line("^#([a-z_]+) =(.*)$");
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, option_line)) {
      const std::string key = m[1].str(), value = m[2].str();  // m points into line: copy first
      line = key + " =" + value;
      if (key == "user" || key == "name") line += " whmcs";
    }
    uncommented += line + "\n";
  }
  TempDir dir;
  const Config c = puq::loadConfig(dir.write("example.conf", uncommented));
  const Config d;
  CHECK(c.daemon.listen_address == d.daemon.listen_address);
  CHECK(c.daemon.listen_port == d.daemon.listen_port);
  CHECK(c.daemon.allow_remote == d.daemon.allow_remote);
  CHECK(c.daemon.secret_file == d.daemon.secret_file);
  CHECK(c.daemon.worker_threads == d.daemon.worker_threads);
  CHECK(c.daemon.max_queued_requests == d.daemon.max_queued_requests);
  CHECK(c.daemon.max_body_bytes == d.daemon.max_body_bytes);
  CHECK(c.daemon.replay_window_seconds == d.daemon.replay_window_seconds);
  CHECK(c.daemon.log_level == d.daemon.log_level);
  CHECK(c.daemon.log_file == d.daemon.log_file);
  CHECK(c.database.host == d.database.host);
  CHECK(c.database.port == d.database.port);
  CHECK(c.database.socket == d.database.socket);
  CHECK(c.database.password == d.database.password);
  CHECK(c.database.connect_timeout_s == d.database.connect_timeout_s);
  CHECK(c.database.read_timeout_s == d.database.read_timeout_s);
  CHECK(c.database.write_timeout_s == d.database.write_timeout_s);
  CHECK(c.database.pool_size == d.database.pool_size);
  CHECK(c.database.reconnect_attempts == d.database.reconnect_attempts);
  CHECK(c.dsm.connect_timeout_ms == d.dsm.connect_timeout_ms);
  CHECK(c.dsm.timeout_ms == d.dsm.timeout_ms);
  CHECK(c.dsm.ca_file == d.dsm.ca_file);
  CHECK(c.dsm.usage_batch_size == d.dsm.usage_batch_size);
  CHECK(c.dsm.usage_max_in_flight == d.dsm.usage_max_in_flight);
}

TEST_CASE("config: docs/config.md documents every option", "[config][example]") {
  const std::string docs = readFile(std::string(PUQ_SOURCE_DIR) + "/docs/config.md");
  REQUIRE_FALSE(docs.empty());
  for (const auto& option : puq::configOptions()) {
    INFO(option.section << "." << option.key);
    CHECK(docs.find("`" + option.key + "`") != std::string::npos);
  }
}
