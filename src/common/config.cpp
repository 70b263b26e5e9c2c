// The configuration file: one option table drives parsing, validation and the documented example.
#include "puq/common/config.hpp"

#include <arpa/inet.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <type_traits>

#include "puq/common/error.hpp"
#include "puq/common/secrets.hpp"
#include "whmcs_configuration.hpp"

namespace puq {
namespace {

// What the option table writes into: the Config plus settings that only matter while loading.
struct Settings {
  Config config;
  std::string db_password_file;
};

using Setter = std::function<std::optional<std::string>(Settings&, const std::string&)>;  // error text
using Shower = std::function<std::string(const Settings&)>;

struct Option {
  std::string section;
  std::string key;
  std::string help;
  std::string allowed;
  Setter set;
  Shower show;          // the current value as written in a file
  std::string example;  // shown in the example when the default is empty
};

struct Section {
  std::string name;
  std::string help;
};

std::string trim(const std::string& s) {
  const char* ws = " \t\r\n\f\v";
  auto begin = s.find_first_not_of(ws);
  if (begin == std::string::npos) return "";
  auto end = s.find_last_not_of(ws);
  return s.substr(begin, end - begin + 1);
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool parseInteger(const std::string& text, long long& out) {
  if (text.empty()) return false;
  size_t i = (text[0] == '-' || text[0] == '+') ? 1 : 0;
  if (i == text.size()) return false;
  for (size_t j = i; j < text.size(); ++j)
    if (!std::isdigit(static_cast<unsigned char>(text[j]))) return false;
  errno = 0;
  char* end = nullptr;
  out = std::strtoll(text.c_str(), &end, 10);
  return errno == 0 && end == text.c_str() + text.size();
}

std::optional<bool> parseBool(const std::string& text) {
  const std::string v = lower(text);
  if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
  if (v == "false" || v == "no" || v == "off" || v == "0") return false;
  return std::nullopt;
}

bool isIpAddress(const std::string& text) {
  unsigned char buf[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

// ---- option builders. `field` is a generic lambda returning a reference into Settings, so the same
// accessor serves the setter (non-const) and the default printer (const). ----

template <typename Field>
Option intOption(const char* section, const char* key, Field field, long long min, long long max,
                 const char* help) {
  Option o;
  o.section = section;
  o.key = key;
  o.help = help;
  o.allowed = "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
  o.set = [field, min, max](Settings& s, const std::string& value) -> std::optional<std::string> {
    long long n = 0;
    if (!parseInteger(value, n)) return "'" + value + "' is not a whole number";
    if (n < min || n > max) return std::to_string(n) + " is out of range";
    using Target = std::remove_reference_t<decltype(field(s))>;
    field(s) = static_cast<Target>(n);
    return std::nullopt;
  };
  o.show = [field](const Settings& s) { return std::to_string(field(s)); };
  return o;
}

template <typename Field>
Option boolOption(const char* section, const char* key, Field field, const char* help) {
  Option o;
  o.section = section;
  o.key = key;
  o.help = help;
  o.allowed = "true or false (also yes/no, on/off, 1/0)";
  o.set = [field](Settings& s, const std::string& value) -> std::optional<std::string> {
    auto b = parseBool(value);
    if (!b) return "'" + value + "' is not a boolean";
    field(s) = *b;
    return std::nullopt;
  };
  o.show = [field](const Settings& s) { return field(s) ? std::string("true") : std::string("false"); };
  return o;
}

using StringCheck = std::function<std::optional<std::string>(const std::string&)>;

template <typename Field>
Option stringOption(const char* section, const char* key, Field field, const char* allowed, const char* help,
                    StringCheck check = nullptr, const char* example = "") {
  Option o;
  o.section = section;
  o.key = key;
  o.help = help;
  o.allowed = allowed;
  o.example = example;
  o.set = [field, check](Settings& s, const std::string& value) -> std::optional<std::string> {
    if (check)
      if (auto problem = check(value)) return problem;
    field(s) = value;
    return std::nullopt;
  };
  o.show = [field](const Settings& s) { return field(s); };
  return o;
}

// Relative paths would depend on the daemon's working directory (/ under systemd): refuse them.
std::optional<std::string> absolutePathOrEmpty(const std::string& value) {
  if (value.empty() || value[0] == '/') return std::nullopt;
  return "'" + value + "' is not an absolute path";
}

std::optional<std::string> notEmpty(const std::string& value) {
  if (value.empty()) return std::string("the value is empty");
  return std::nullopt;
}

std::optional<std::string> listenAddressCheck(const std::string& value) {
  if (value == "localhost" || isIpAddress(value)) return std::nullopt;
  return "'" + value + "' is not an IP address";
}

std::optional<std::string> logLevelCheck(const std::string& value) {
  static const char* levels[] = {"trace", "debug", "info", "warn", "error", "off"};
  for (const char* level : levels)
    if (value == level) return std::nullopt;
  return "'" + value + "' is not a log level";
}

std::optional<std::string> metricsTokenCheck(const std::string& value) {
  if (value.empty()) return std::nullopt;
  if (value.size() < 16 || value.size() > 256)
    return "the token is " + std::to_string(value.size()) + " characters long";  // not echoed: it is a secret
  for (char c : value)
    if (c <= ' ' || c == 127) return std::string("the token contains a space or a control character");
  return std::nullopt;
}

const std::vector<Section>& sections() {
  static const std::vector<Section> table = {
      {"daemon", "The HTTP API the PHP module calls, its authentication and the log."},
      {"database",
       "The WHMCS database (MariaDB or MySQL). Either point whmcs_configuration at WHMCS's own "
       "configuration.php, or set host, user, password (or password_file) and name here. A key set in "
       "this section wins over the value read from configuration.php."},
      {"dsm", "How the daemon talks to Synology NAS servers (DSM)."},
  };
  return table;
}

// THE option table: every option the file accepts, declared exactly once.
const std::vector<Option>& options() {
  static const std::vector<Option> table = [] {
    std::vector<Option> t;
    // [daemon]
    t.push_back(stringOption(
        "daemon", "listen_address", [](auto& s) -> auto& { return s.config.daemon.listen_address; },
        "an IPv4 or IPv6 address, or localhost",
        "Address the HTTP API listens on. Keep the loopback default when WHMCS runs on the same host; any "
        "other address also needs allow_remote = true.",
        listenAddressCheck));
    t.push_back(intOption("daemon", "listen_port", [](auto& s) -> auto& { return s.config.daemon.listen_port; },
                          1, 65535,
                          "TCP port of the HTTP API. The PHP module must be configured with the same port."));
    t.push_back(boolOption(
        "daemon", "allow_remote", [](auto& s) -> auto& { return s.config.daemon.allow_remote; },
        "Must be true to listen on an address other than loopback. Requests are still authenticated, "
        "but put a firewall in front of the port so only the WHMCS host can reach it."));
    t.push_back(stringOption(
        "daemon", "secret_file", [](auto& s) -> auto& { return s.config.daemon.secret_file; }, "an absolute path",
        "File holding the shared secret the PHP module signs every request with: at least 32 characters, "
        "mode 0600, owned by the daemon's user. Create it with:\n"
        "  head -c 48 /dev/urandom | base64 > /etc/puq-synologyd/secret && chmod 600 /etc/puq-synologyd/secret",
        [](const std::string& v) {
          if (auto empty = notEmpty(v)) return empty;
          return absolutePathOrEmpty(v);
        }));
    t.push_back(intOption(
        "daemon", "worker_threads", [](auto& s) -> auto& { return s.config.daemon.worker_threads; }, 1, 256,
        "Requests handled at the same time. Each may wait on a NAS for up to [dsm] timeout_ms."));
    t.push_back(intOption(
        "daemon", "max_queued_requests", [](auto& s) -> auto& { return s.config.daemon.max_queued_requests; }, 1,
        100000, "Connections allowed to wait for a free worker; more are answered HTTP 503 \"overloaded\"\n"
                  "without running (the module sends them again)."));
    t.push_back(intOption("daemon", "max_body_bytes",
                          [](auto& s) -> auto& { return s.config.daemon.max_body_bytes; }, 1024, 67108864,
                          "Largest request body accepted; a bigger request is refused with HTTP 413."));
    t.push_back(intOption(
        "daemon", "replay_window_seconds", [](auto& s) -> auto& { return s.config.daemon.replay_window_seconds; },
        10, 3600,
        "How far a request's X-Puq-Timestamp may be from the daemon's clock, and how long its nonce is "
        "remembered to refuse replays. Keep the clocks of WHMCS and the daemon in sync (NTP)."));
    t.push_back(stringOption(
        "daemon", "log_level", [](auto& s) -> auto& { return s.config.daemon.log_level; },
        "trace, debug, info, warn, error or off",
        "Least severe level written to the log. Secrets are masked at every level.", logLevelCheck));
    t.push_back(stringOption(
        "daemon", "log_file", [](auto& s) -> auto& { return s.config.daemon.log_file; },
        "an absolute path, or empty",
        "File the log is appended to. Empty = standard error, which systemd sends to the journal.",
        absolutePathOrEmpty, "/var/log/puq-synologyd/puq-synologyd.log"));
    t.push_back(stringOption(
        "daemon", "metrics_token", [](auto& s) -> auto& { return s.config.daemon.metrics_token; },
        "empty, or 16 to 256 printable characters without spaces",
        "Lets Prometheus scrape GET /metrics with the header 'Authorization: Bearer <metrics_token>' "
        "(compared in constant time). Empty = /metrics answers only requests signed with the shared secret, "
        "like every other route. It grants read access to the metrics only. Generate one with:\n"
        "  head -c 24 /dev/urandom | base64",
        metricsTokenCheck));

    // [database]
    t.push_back(stringOption(
        "database", "whmcs_configuration", [](auto& s) -> auto& { return s.config.whmcs_configuration; },
        "an absolute path, or empty",
        "WHMCS configuration.php to read $db_host, $db_port, $db_username, $db_password and $db_name from. "
        "The file is parsed, never executed: only plain quoted values are understood. The daemon's user "
        "needs read access to it.",
        absolutePathOrEmpty, "/var/www/whmcs/configuration.php"));
    t.push_back(stringOption("database", "host", [](auto& s) -> auto& { return s.config.database.host; },
                             "a host name or IP address", "Database server.", notEmpty));
    t.push_back(intOption("database", "port", [](auto& s) -> auto& { return s.config.database.port; }, 1, 65535,
                          "Database server TCP port."));
    t.push_back(stringOption(
        "database", "socket", [](auto& s) -> auto& { return s.config.database.socket; },
        "an absolute path, or empty", "Unix socket of the database server; when set, used instead of host and port.",
        absolutePathOrEmpty, "/run/mysqld/mysqld.sock"));
    t.push_back(stringOption("database", "user", [](auto& s) -> auto& { return s.config.database.user; },
                             "a user name", "Database user.", nullptr, "whmcs"));
    t.push_back(stringOption(
        "database", "password", [](auto& s) -> auto& { return s.config.database.password; }, "any text",
        "Database password. Prefer password_file, so that this file holds no secret.", nullptr));
    t.push_back(stringOption(
        "database", "password_file", [](auto& s) -> auto& { return s.db_password_file; },
        "an absolute path, or empty",
        "File holding the database password (surrounding whitespace is trimmed). Preferred over password "
        "when both are set.",
        absolutePathOrEmpty, "/etc/puq-synologyd/db-password"));
    t.push_back(stringOption("database", "name", [](auto& s) -> auto& { return s.config.database.database; },
                             "a database name", "Database (schema) name of the WHMCS installation.", nullptr,
                             "whmcs"));
    t.push_back(intOption(
        "database", "connect_timeout_s", [](auto& s) -> auto& { return s.config.database.connect_timeout_s; }, 1,
        300, "Seconds to wait for a connection to the database server."));
    t.push_back(intOption("database", "read_timeout_s",
                          [](auto& s) -> auto& { return s.config.database.read_timeout_s; }, 1, 3600,
                          "Seconds to wait for the database server's answer to a statement."));
    t.push_back(intOption("database", "write_timeout_s",
                          [](auto& s) -> auto& { return s.config.database.write_timeout_s; }, 1, 3600,
                          "Seconds to wait while sending a statement to the database server."));
    t.push_back(intOption("database", "pool_size", [](auto& s) -> auto& { return s.config.database.pool_size; },
                          1, 64, "Database connections kept open."));
    t.push_back(intOption(
        "database", "reconnect_attempts", [](auto& s) -> auto& { return s.config.database.reconnect_attempts; },
        0, 100,
        "Reconnect attempts (with backoff) after a lost connection before a request fails with "
        "database_error."));

    // [dsm]
    t.push_back(intOption("dsm", "connect_timeout_ms",
                          [](auto& s) -> auto& { return s.config.dsm.connect_timeout_ms; }, 100, 120000,
                          "Milliseconds to wait for a connection to a NAS."));
    t.push_back(intOption("dsm", "timeout_ms", [](auto& s) -> auto& { return s.config.dsm.timeout_ms; }, 1000,
                          600000, "Milliseconds one DSM request may take, from connecting to the end of the answer."));
    t.push_back(stringOption(
        "dsm", "ca_file", [](auto& s) -> auto& { return s.config.dsm.ca_file; }, "an absolute path, or empty",
        "PEM bundle of extra CA certificates trusted for NAS HTTPS certificates (for a private CA), in "
        "addition to the system trust store. Verification can be turned off only per server, in WHMCS.",
        absolutePathOrEmpty, "/etc/puq-synologyd/nas-ca.pem"));
    t.push_back(intOption("dsm", "usage_batch_size", [](auto& s) -> auto& { return s.config.dsm.usage_batch_size; },
                          1, 1000, "Users whose disk usage is read in one compound DSM request by the usage job."));
    t.push_back(intOption(
        "dsm", "usage_max_in_flight", [](auto& s) -> auto& { return s.config.dsm.usage_max_in_flight; }, 1, 32,
        "Compound usage requests sent to one NAS at the same time."));
    return t;
  }();
  return table;
}

const Option* findOption(const std::string& section, const std::string& key) {
  for (const auto& o : options())
    if (o.section == section && o.key == key) return &o;
  return nullptr;
}

bool sectionExists(const std::string& name) {
  for (const auto& s : sections())
    if (s.name == name) return true;
  return false;
}

size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

// The closest candidate when it is plausibly a typo (case-insensitive), else empty.
std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string w = lower(word);
  std::string best;
  size_t best_distance = std::numeric_limits<size_t>::max();
  for (const auto& c : candidates) {
    size_t d = editDistance(w, lower(c));
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  const size_t threshold = std::max<size_t>(2, w.size() / 4);
  return best_distance <= threshold ? best : std::string();
}

std::string joinList(const std::vector<std::string>& items, const std::string& prefix = "",
                     const std::string& suffix = "") {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += prefix + items[i] + suffix;
  }
  return out;
}

std::string unknownKeyMessage(const std::string& section, const std::string& key) {
  std::vector<std::string> keys;
  for (const auto& o : options())
    if (o.section == section) keys.push_back(o.key);
  std::string message = "unknown key '" + key + "' in [" + section + "]";
  for (const auto& o : options())
    if (o.key == key && o.section != section) return message + "; '" + key + "' belongs in [" + o.section + "]";
  std::string suggestion = closest(key, keys);
  if (!suggestion.empty()) return message + "; did you mean '" + suggestion + "'?";
  return message + "; allowed keys: " + joinList(keys);
}

std::string unknownSectionMessage(const std::string& section) {
  std::vector<std::string> names;
  for (const auto& s : sections()) names.push_back(s.name);
  std::string message = "unknown section [" + section + "]";
  std::string suggestion = closest(section, names);
  if (!suggestion.empty()) return message + "; did you mean [" + suggestion + "]?";
  return message + "; allowed sections: " + joinList(names, "[", "]");
}

// A value after '=': plain text (trimmed), "double quoted" (\" and \\ escapes) or 'single quoted'
// (literal). After a closing quote only a comment may follow. Plain values have no inline comments,
// so a '#' in a password needs no quoting.
std::optional<std::string> parseValue(const std::string& raw, std::string& value) {
  const std::string text = trim(raw);
  if (text.empty() || (text[0] != '"' && text[0] != '\'')) {
    value = text;
    return std::nullopt;
  }
  const char quote = text[0];
  std::string out;
  size_t i = 1;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == quote) break;
    if (quote == '"' && c == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\')) {
      out += text[++i];
      continue;
    }
    out += c;
  }
  if (i >= text.size()) return std::string("the quoted value has no closing ") + quote;
  const std::string rest = trim(text.substr(i + 1));
  if (!rest.empty() && rest[0] != '#' && rest[0] != ';')
    return std::string("unexpected text after the closing quote");  // not echoed: it may be part of a password
  value = out;
  return std::nullopt;
}

// Where each key was set, for messages about values and for "explicit keys win" merging.
using KeyLines = std::map<std::string, int>;  // "section.key" -> line

struct LoadResult {
  Settings settings;
  KeyLines key_lines;
  std::vector<std::string> problems;
  bool file_readable = false;
};

std::optional<std::string> readWholeFile(const std::string& path, std::string& content) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) return std::string("not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::string(std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return std::string("read error");
  content = buffer.str();
  return std::nullopt;
}

void parseLines(const std::string& path, const std::string& content, LoadResult& result) {
  std::istringstream in(content);
  std::string line;
  int number = 0;
  enum class Where { kNoSection, kKnownSection, kBadSection } where = Where::kNoSection;
  std::string section;
  auto problem = [&](const std::string& text) {
    result.problems.push_back(path + ":" + std::to_string(number) + ": " + text);
  };
  while (std::getline(in, line)) {
    ++number;
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 BOM
    const std::string text = trim(line);
    if (text.empty() || text[0] == '#' || text[0] == ';') continue;
    if (text[0] == '[') {
      where = Where::kBadSection;
      if (text.back() != ']') {
        problem("malformed section header '" + text + "'; write it as [name]");
        continue;
      }
      section = trim(text.substr(1, text.size() - 2));
      if (sectionExists(section))
        where = Where::kKnownSection;
      else
        problem(unknownSectionMessage(section));
      continue;
    }
    auto eq = text.find('=');
    if (eq == std::string::npos) {
      problem("expected 'key = value' or '[section]'");  // the line is not echoed: it may hold a secret
      continue;
    }
    const std::string key = trim(text.substr(0, eq));
    if (key.empty()) {
      problem("missing key name before '='");
      continue;
    }
    if (where == Where::kNoSection) {
      problem("'" + key + "' is outside any section; put it under [daemon], [database] or [dsm]");
      continue;
    }
    if (where == Where::kBadSection) continue;  // the section was reported once; its keys would add noise
    const Option* option = findOption(section, key);
    if (!option) {
      problem(unknownKeyMessage(section, key));
      continue;
    }
    const std::string id = section + "." + key;
    auto previous = result.key_lines.find(id);
    if (previous != result.key_lines.end()) {
      problem("[" + section + "] " + key + " is set twice (first on line " + std::to_string(previous->second) +
              "); keep one");
      continue;
    }
    result.key_lines[id] = number;
    std::string value;
    if (auto bad = parseValue(text.substr(eq + 1), value)) {
      problem("[" + section + "] " + key + ": " + *bad);
      continue;
    }
    if (auto bad = option->set(result.settings, value))
      problem("[" + section + "] " + key + ": " + *bad + "; allowed: " + option->allowed);
  }
}

bool isSet(const KeyLines& lines, const std::string& id) { return lines.count(id) != 0; }

std::string at(const std::string& path, const KeyLines& lines, const std::string& id) {
  auto it = lines.find(id);
  return it == lines.end() ? path + ": " : path + ":" + std::to_string(it->second) + ": ";
}

bool readableRegularFile(const std::string& path, std::string& why) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    why = std::strerror(errno);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    why = "not a regular file";
    return false;
  }
  if (::access(path.c_str(), R_OK) != 0) {
    why = std::strerror(errno);
    return false;
  }
  return true;
}

// Fills database settings not set in our file from WHMCS's configuration.php.
void importWhmcsConfiguration(const std::string& path, LoadResult& r) {
  Config& config = r.settings.config;
  const std::string& php_path = config.whmcs_configuration;
  const std::string where = at(path, r.key_lines, "database.whmcs_configuration");
  std::string content;
  if (auto error = readWholeFile(php_path, content)) {
    r.problems.push_back(where + "cannot read whmcs_configuration " + php_path + ": " + *error +
                         "; give the daemon's user read access to it, or remove whmcs_configuration and set "
                         "the [database] keys directly");
    return;
  }
  const auto vars = whmcs_php::parsePhpAssignments(content);
  // A variable we need but cannot use, because it is not a plain literal.
  auto value = [&](const std::string& var, const std::string& our_key) -> std::optional<std::string> {
    auto it = vars.find(var);
    if (it == vars.end()) return std::nullopt;
    if (!it->second.literal) {
      r.problems.push_back(where + "$" + var + " in " + php_path + " (line " + std::to_string(it->second.line) +
                           ") is not a plain quoted value, and PHP is not executed; set " + our_key +
                           " in [database] instead");
      return std::nullopt;
    }
    return it->second.value;
  };
  auto& db = config.database;

  if (!isSet(r.key_lines, "database.host")) {
    if (auto host = value("db_host", "host")) {
      auto parsed = whmcs_php::splitDbHost(*host);
      if (!parsed.host.empty()) db.host = parsed.host;
      if (parsed.port && !isSet(r.key_lines, "database.port")) db.port = *parsed.port;
      if (!parsed.socket.empty() && !isSet(r.key_lines, "database.socket")) db.socket = parsed.socket;
    }
  }
  if (!isSet(r.key_lines, "database.port")) {
    if (auto port = value("db_port", "port"); port && !port->empty()) {
      long long n = 0;
      if (parseInteger(*port, n) && n >= 1 && n <= 65535)
        db.port = static_cast<int>(n);
      else
        r.problems.push_back(where + "$db_port in " + php_path + " is '" + *port +
                             "', not a port number from 1 to 65535; set port in [database]");
    }
  }
  if (!isSet(r.key_lines, "database.user"))
    if (auto user = value("db_username", "user")) db.user = *user;
  if (!isSet(r.key_lines, "database.password") && !isSet(r.key_lines, "database.password_file"))
    if (auto password = value("db_password", "password or password_file")) db.password = *password;
  if (!isSet(r.key_lines, "database.name"))
    if (auto name = value("db_name", "name")) db.database = *name;
  // WHMCS's encryption key, for the stored server passwords (POST /v1/usage/sync-stored). Optional:
  // without it only that route is unavailable, so a missing or non-literal value is no problem here.
  if (auto it = vars.find("cc_encryption_hash"); it != vars.end() && it->second.literal)
    config.whmcs_cc_encryption_hash = it->second.value;
}

void validateAfterParse(const std::string& path, LoadResult& r) {
  Config& config = r.settings.config;
  const KeyLines& lines = r.key_lines;

  if (!config.daemon.allow_remote && !isLoopbackAddress(config.daemon.listen_address))
    r.problems.push_back(at(path, lines, "daemon.listen_address") + "[daemon] listen_address = " +
                         config.daemon.listen_address +
                         " is not a loopback address, so the API would be reachable from the network; keep "
                         "127.0.0.1 when WHMCS runs on this host, or opt in with allow_remote = true in [daemon] "
                         "and firewall the port so only the WHMCS host can reach it");

  if (!r.settings.db_password_file.empty()) {
    std::string content;
    if (auto error = readWholeFile(r.settings.db_password_file, content)) {
      r.problems.push_back(at(path, lines, "database.password_file") + "[database] password_file: cannot read " +
                           r.settings.db_password_file + ": " + *error +
                           "; create it or give the daemon's user read access to it");
    } else {
      config.database.password = trim(content);  // preferred over an inline password
    }
  }

  // Named by database connection errors, so the admin knows which file to fix.
  config.database.origin = "[database] in " + path;
  if (!config.whmcs_configuration.empty()) {
    config.database.origin += " and " + config.whmcs_configuration;
    importWhmcsConfiguration(path, r);
  }

  const std::string source = config.whmcs_configuration.empty()
                                 ? std::string()
                                 : " (not found in " + config.whmcs_configuration + " either)";
  if (config.database.user.empty())
    r.problems.push_back(path + ": [database] has no user" + source +
                         "; set user, or whmcs_configuration = /path/to/whmcs/configuration.php");
  if (config.database.database.empty())
    r.problems.push_back(path + ": [database] has no name" + source +
                         "; set name, or whmcs_configuration = /path/to/whmcs/configuration.php");

  if (!config.dsm.ca_file.empty()) {
    std::string why;
    if (!readableRegularFile(config.dsm.ca_file, why))
      r.problems.push_back(at(path, lines, "dsm.ca_file") + "[dsm] ca_file " + config.dsm.ca_file +
                           " is not usable: " + why + "; point it at a readable PEM file, or leave it empty");
  }
}

// Orders "file:line: ..." problems by line; problems without a line go last.
void sortByLine(const std::string& path, std::vector<std::string>& problems) {
  auto lineOf = [&](const std::string& problem) {
    size_t i = path.size() + 1;
    size_t line = 0;
    bool any = false;
    while (i < problem.size() && std::isdigit(static_cast<unsigned char>(problem[i]))) {
      line = line * 10 + static_cast<size_t>(problem[i++] - '0');
      any = true;
    }
    return any ? line : std::numeric_limits<size_t>::max();
  };
  std::stable_sort(problems.begin(), problems.end(),
                   [&](const std::string& a, const std::string& b) { return lineOf(a) < lineOf(b); });
}

LoadResult loadAll(const std::string& path) {
  LoadResult r;
  r.settings.config.source_path = path;
  std::string content;
  if (auto error = readWholeFile(path, content)) {
    r.problems.push_back(path + ": cannot read the configuration file: " + *error);
    return r;
  }
  r.file_readable = true;
  parseLines(path, content, r);
  validateAfterParse(path, r);
  sortByLine(path, r.problems);
  return r;
}

// Wraps help text into "# " comment lines of at most `width` characters. A '\n' starts a new line;
// a line starting with two spaces (a command to copy) is kept as it is.
std::string commentBlock(const std::string& text, size_t width = 100) {
  std::string out;
  std::istringstream paragraphs(text);
  std::string paragraph;
  while (std::getline(paragraphs, paragraph)) {
    if (paragraph.rfind("  ", 0) == 0) {
      out += "#" + paragraph + "\n";
      continue;
    }
    std::string line = "#";
    std::istringstream words(paragraph);
    std::string word;
    while (words >> word) {
      if (line.size() + 1 + word.size() > width && line != "#") {
        out += line + "\n";
        line = "#";
      }
      line += " " + word;
    }
    if (line != "#") out += line + "\n";
  }
  return out;
}

}  // namespace

bool isLoopbackAddress(const std::string& address) {
  if (lower(address) == "localhost") return true;
  struct in_addr v4 {};
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  struct in6_addr v6 {};
  if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    if (IN6_IS_ADDR_V4MAPPED(&v6)) return v6.s6_addr[12] == 127;
  }
  return false;
}

Config loadConfig(const std::string& path) {
  LoadResult r = loadAll(path);
  if (!r.problems.empty()) {
    std::string message = "invalid configuration (" + std::to_string(r.problems.size()) + " problem" +
                          (r.problems.size() == 1 ? "" : "s") + "):";
    for (const auto& p : r.problems) message += "\n  " + p;
    throw ConfigError(message);
  }
  return r.settings.config;
}

std::vector<std::string> checkConfig(const std::string& path) {
  LoadResult r = loadAll(path);
  if (!r.file_readable) return r.problems;
  const Config& config = r.settings.config;
  const KeyLines& lines = r.key_lines;

  try {
    loadSecretFile(config.daemon.secret_file);
  } catch (const ConfigError& e) {
    r.problems.push_back(at(path, lines, "daemon.secret_file") + "[daemon] secret_file: " + e.what());
  }

  struct stat st {};
  if (isSet(lines, "database.password") && ::stat(path.c_str(), &st) == 0 && (st.st_mode & 007))
    r.problems.push_back(at(path, lines, "database.password") + "this file holds the database password and is "
                         "readable by every user; chmod 640 " + path + ", or move the password to password_file");
  if (isSet(lines, "daemon.metrics_token") && !config.daemon.metrics_token.empty() &&
      ::stat(path.c_str(), &st) == 0 && (st.st_mode & 007))
    r.problems.push_back(at(path, lines, "daemon.metrics_token") + "this file holds metrics_token and is "
                         "readable by every user; chmod 640 " + path);

  sortByLine(path, r.problems);
  return r.problems;
}

std::vector<ConfigOptionInfo> configOptions() {
  const Settings defaults;
  std::vector<ConfigOptionInfo> out;
  for (const auto& o : options()) out.push_back({o.section, o.key, o.show(defaults), o.allowed, o.help});
  return out;
}

std::string documentedExample() {
  const Settings defaults;
  std::string out;
  out += "# puq-synologyd configuration (usually /etc/puq-synologyd/puq-synologyd.conf).\n";
  out += "#\n";
  out += commentBlock(
      "Every option is listed with its meaning, the values allowed and its default. Options are commented "
      "out: the daemon uses the default shown; remove the leading '#' to set one. Only [database] needs "
      "settings (whmcs_configuration, or user and name).");
  out += "#\n";
  out += commentBlock(
      "Syntax: '[section]' starts a section; 'key = value' sets an option; a line starting with '#' or ';' "
      "is a comment. A value may be quoted: \"text\" (escapes \\\" and \\\\) or 'text' (literal). An "
      "unquoted value runs to the end of the line, '#' included.");
  out += "#\n";
  out += commentBlock("Check a file with: puq-synologyd --config FILE --check-config. This text is printed by "
                      "puq-synologyd --print-example-config. Reference: docs/config.md.");
  for (const auto& section : sections()) {
    out += "\n[" + section.name + "]\n";
    out += commentBlock(section.help);
    for (const auto& o : options()) {
      if (o.section != section.name) continue;
      const std::string value = o.show(defaults);
      out += "\n";
      out += commentBlock(o.help);
      out += commentBlock("Allowed: " + o.allowed + ". Default: " + (value.empty() ? "empty" : value) + ".");
      if (value.empty() && !o.example.empty()) out += "# Example: " + o.key + " = " + o.example + "\n";
      out += "#" + o.key + " =" + (value.empty() ? "" : " " + value) + "\n";
    }
  }
  return out;
}

}  // namespace puq
