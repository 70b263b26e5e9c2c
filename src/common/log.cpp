// Logging setup and secret redaction.
#include "puq/common/log.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <list>
#include <shared_mutex>
#include <unordered_map>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "puq/common/error.hpp"

namespace puq::log {
namespace {

// ---------------------------------------------------------------- registered secrets

// Alternative spellings under which a secret may appear in a log line.
std::string jsonEscaped(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string urlEncoded(const std::string& s, bool space_as_plus) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ' && space_as_plus) {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0x0F];
    }
  }
  return out;
}

uint32_t prefixKey(const char* p) {
  uint32_t key;
  std::memcpy(&key, p, sizeof key);
  return key;
}

// The most recent kMaxRegisteredSecrets secrets, indexed by their first 4 bytes so masking a line
// costs one hash lookup per position rather than one search per secret.
class SecretRegistry {
 public:
  void add(const std::string& secret) {
    if (secret.size() < kMinSecretLength) return;
    std::unique_lock<std::shared_mutex> lock(mutex_);
    auto known = by_secret_.find(secret);
    if (known != by_secret_.end()) {  // registering again makes it the most recent
      recency_.splice(recency_.begin(), recency_, known->second);
      return;
    }
    Entry entry{secret, {secret}};
    for (const auto& spelling : {jsonEscaped(secret), urlEncoded(secret, false), urlEncoded(secret, true)})
      if (spelling != secret && std::find(entry.spellings.begin(), entry.spellings.end(), spelling) == entry.spellings.end())
        entry.spellings.push_back(spelling);
    for (const auto& spelling : entry.spellings) addSpelling(spelling);
    recency_.push_front(std::move(entry));
    by_secret_[secret] = recency_.begin();
    while (recency_.size() > kMaxRegisteredSecrets) {
      for (const auto& spelling : recency_.back().spellings) removeSpelling(spelling);
      by_secret_.erase(recency_.back().secret);
      recency_.pop_back();
    }
  }

  void clear() {
    std::unique_lock<std::shared_mutex> lock(mutex_);
    recency_.clear();
    by_secret_.clear();
    spelling_refs_.clear();
    by_prefix_.clear();
  }

  std::string mask(const std::string& text) const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    if (by_prefix_.empty() || text.size() < kMinSecretLength) return text;
    std::string out;
    size_t copied = 0, i = 0;
    while (i + kMinSecretLength <= text.size()) {
      size_t matched = 0;
      auto candidates = by_prefix_.find(prefixKey(text.data() + i));
      if (candidates != by_prefix_.end())
        for (const auto& spelling : candidates->second)  // longest first
          if (text.compare(i, spelling.size(), spelling) == 0) {
            matched = spelling.size();
            break;
          }
      if (matched == 0) {
        ++i;
        continue;
      }
      out.append(text, copied, i - copied).append(kMask);
      i += matched;
      copied = i;
    }
    if (copied == 0) return text;
    out.append(text, copied, std::string::npos);
    return out;
  }

 private:
  struct Entry {
    std::string secret;
    std::vector<std::string> spellings;
  };

  void addSpelling(const std::string& spelling) {
    if (spelling.size() < kMinSecretLength || spelling_refs_[spelling]++ > 0) return;
    auto& bucket = by_prefix_[prefixKey(spelling.data())];
    auto at = std::find_if(bucket.begin(), bucket.end(),
                           [&](const std::string& other) { return other.size() < spelling.size(); });
    bucket.insert(at, spelling);
  }

  void removeSpelling(const std::string& spelling) {
    auto ref = spelling_refs_.find(spelling);
    if (ref == spelling_refs_.end() || --ref->second > 0) return;
    spelling_refs_.erase(ref);
    auto bucket = by_prefix_.find(prefixKey(spelling.data()));
    if (bucket == by_prefix_.end()) return;
    auto& list = bucket->second;
    list.erase(std::remove(list.begin(), list.end(), spelling), list.end());
    if (list.empty()) by_prefix_.erase(bucket);
  }

  mutable std::shared_mutex mutex_;
  std::list<Entry> recency_;  // front = most recently registered
  std::unordered_map<std::string, std::list<Entry>::iterator> by_secret_;
  std::unordered_map<std::string, int> spelling_refs_;  // two secrets may share a spelling
  std::unordered_map<uint32_t, std::vector<std::string>> by_prefix_;
};

SecretRegistry& registry() {
  static SecretRegistry instance;
  return instance;
}

// ---------------------------------------------------------------- sensitive key/values

bool isKeyChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; }

bool endsWith(const std::string& s, const char* suffix) {
  const size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

bool isSensitiveKey(const std::string& key) {
  std::string k;
  for (char c : key) k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Names about a password, not holding one: an error code ("password_rejected: The new password...")
  // or a setting. Masking the word after them hid message text, never a secret.
  for (const char* about : {"_rejected", "_policy", "_rule", "_mode", "_file", "_expired", "_never_expire",
                            "_last_change", "_length", "_strength"})
    if (endsWith(k, about)) return false;
  for (const char* part : {"password", "passwd", "secret", "token", "signature"})
    if (k.find(part) != std::string::npos) return true;
  for (const char* exact : {"sid", "_sid", "did", "device_id", "otp_code", "pass", "pwd"})
    if (k == exact) return true;
  return false;
}

// Characters that end an unquoted value.
bool endsValue(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || std::strchr("&,;\"')]}>|<{[", c) != nullptr;
}

// Masks the value after every `key=`, `key:`, `"key":` or `'key':` whose key is sensitive.
std::string maskSensitiveValues(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const char c = text[i];
    if (c != '=' && c != ':') {
      out += c;
      ++i;
      continue;
    }
    // The key ends before optional spaces and an optional (possibly escaped) closing quote.
    size_t k = i;
    while (k > 0 && text[k - 1] == ' ') --k;
    while (k > 0 && (text[k - 1] == '"' || text[k - 1] == '\'' || text[k - 1] == '\\')) --k;
    const size_t key_end = k;
    while (k > 0 && isKeyChar(text[k - 1])) --k;
    if (k == key_end || !isSensitiveKey(text.substr(k, key_end - k))) {
      out += c;
      ++i;
      continue;
    }
    out += c;
    size_t j = i + 1;
    while (j < n && text[j] == ' ') out += text[j++];
    // A quoted value: the opener is a quote, possibly escaped (JSON inside a JSON string: \"...\").
    size_t q = j;
    while (q < n && text[q] == '\\') ++q;
    if (q < n && (text[q] == '"' || text[q] == '\'')) {
      const char quote = text[q];
      const size_t escapes = q - j;
      size_t close = std::string::npos;
      for (size_t p = q + 1; p < n; ++p) {
        if (text[p] != quote) continue;
        size_t backslashes = 0;
        while (p - backslashes > q + 1 && text[p - backslashes - 1] == '\\') ++backslashes;
        if (backslashes == escapes) {
          close = p - escapes;
          break;
        }
      }
      out.append(text, j, q - j + 1).append(kMask);
      if (close == std::string::npos) return out;  // unterminated (truncated line): mask the rest
      i = close;  // the closing quote is copied by the main loop
      continue;
    }
    size_t end = j;
    while (end < n && !endsValue(text[end])) ++end;
    if (end > j) out += kMask;
    i = end;
  }
  return out;
}

// ---------------------------------------------------------------- sinks and setup

// "<N>" syslog priority prefix that systemd-journald strips and turns into the entry's priority.
class SyslogPriorityFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    char priority = '6';
    switch (msg.level) {
      case spdlog::level::trace:
      case spdlog::level::debug: priority = '7'; break;
      case spdlog::level::info: priority = '6'; break;
      case spdlog::level::warn: priority = '4'; break;
      case spdlog::level::err: priority = '3'; break;
      case spdlog::level::critical: priority = '2'; break;
      default: break;
    }
    const char prefix[] = {'<', priority, '>'};
    dest.append(prefix, prefix + 3);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<SyslogPriorityFlag>(); }
};

// systemd sets JOURNAL_STREAM=<device>:<inode> of the journal stream it connected stderr to.
bool stderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (!stream) return false;
  unsigned long long device = 0, inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  struct stat st {};
  if (::fstat(STDERR_FILENO, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == device && static_cast<unsigned long long>(st.st_ino) == inode;
}

constexpr const char* kTimestampedPattern = "[%Y-%m-%d %H:%M:%S.%e] [%l] [%t] %v";
constexpr const char* kTerminalPattern = "[%Y-%m-%d %H:%M:%S.%e] [%^%l%$] [%t] %v";

std::shared_ptr<spdlog::sinks::sink> makeOutputSink(const std::string& file) {
  if (!file.empty()) {
    try {
      auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(file, /*truncate=*/false);
      sink->set_pattern(kTimestampedPattern);
      return sink;
    } catch (const spdlog::spdlog_ex& e) {
      throw ConfigError("cannot open log file " + file + ": " + e.what() +
                        "; create its directory, owned by the daemon's user, or leave log_file empty");
    }
  }
  if (::isatty(STDERR_FILENO)) {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    sink->set_pattern(kTerminalPattern);
    return sink;
  }
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  if (stderrIsJournal()) {  // the journal adds time and pid itself
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<SyslogPriorityFlag>('*').set_pattern("%*[%t] %v");
    sink->set_formatter(std::move(formatter));
  } else {
    sink->set_pattern(kTimestampedPattern);
  }
  return sink;
}

}  // namespace

spdlog::level::level_enum parseLogLevel(const std::string& name) {
  if (name == "trace") return spdlog::level::trace;
  if (name == "debug") return spdlog::level::debug;
  if (name == "info") return spdlog::level::info;
  if (name == "warn") return spdlog::level::warn;
  if (name == "error") return spdlog::level::err;
  if (name == "off") return spdlog::level::off;
  throw ConfigError("unknown log level '" + name + "'; allowed: trace, debug, info, warn, error, off");
}

bool isValidLogLevel(const std::string& name) {
  try {
    parseLogLevel(name);
    return true;
  } catch (const ConfigError&) {
    return false;
  }
}

void setupLogging(const std::string& level, const std::string& file) {
  const auto parsed_level = parseLogLevel(level);
  auto logger = std::make_shared<spdlog::logger>("puq", std::make_shared<RedactingSink>(makeOutputSink(file)));
  logger->set_level(parsed_level);
  logger->flush_on(spdlog::level::trace);  // low volume; a line must not be lost in a crash
  spdlog::set_default_logger(std::move(logger));
}

void setLogLevel(const std::string& level) { spdlog::default_logger()->set_level(parseLogLevel(level)); }

void registerSecret(const std::string& secret) { registry().add(secret); }

void clearRegisteredSecrets() { registry().clear(); }

std::string redact(const std::string& text) {
  std::string masked = registry().mask(text);
  if (masked.find_first_of("=:") == std::string::npos) return masked;
  return maskSensitiveValues(masked);
}

RedactingSink::RedactingSink(std::shared_ptr<spdlog::sinks::sink> inner) : inner_(std::move(inner)) {}

void RedactingSink::log(const spdlog::details::log_msg& msg) {
  if (!inner_->should_log(msg.level)) return;
  const std::string text = redact(std::string(msg.payload.data(), msg.payload.size()));
  spdlog::details::log_msg redacted(msg);
  redacted.payload = spdlog::string_view_t(text.data(), text.size());
  inner_->log(redacted);
}

void RedactingSink::flush() { inner_->flush(); }

void RedactingSink::set_pattern(const std::string& pattern) { inner_->set_pattern(pattern); }

void RedactingSink::set_formatter(std::unique_ptr<spdlog::formatter> sink_formatter) {
  inner_->set_formatter(std::move(sink_formatter));
}

LogCapture::LogCapture() : sink_(std::make_shared<CapturingSink>()), previous_(spdlog::default_logger()) {
  auto logger = std::make_shared<spdlog::logger>("puq-capture", std::make_shared<RedactingSink>(sink_));
  logger->set_level(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
}

LogCapture::~LogCapture() { spdlog::set_default_logger(previous_); }

}  // namespace puq::log
