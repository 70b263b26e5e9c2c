#pragma once
// Logging: spdlog's default logger, whose sinks are wrapped in a RedactingSink, so no secret reaches a
// log line whatever the caller formats. Code logs with spdlog::info(...) etc.
//
// Redaction masks with "********":
//  - every string registered with registerSecret() (the shared secret, DB password, DSM passwords and
//    sids), also in its JSON-escaped and URL-encoded spellings;
//  - the value of any sensitive key (case-insensitive: a key containing "password", "passwd", "secret",
//    "token" or "signature", or exactly sid, _sid, did, device_id, otp_code, pass, pwd) written as
//    key=value, key = value, key: value, "key":"value", 'key': 'value' or, inside a JSON string,
//    \"key\":\"value\". A quoted value is masked to its closing quote, an unquoted one up to the next
//    space or one of & , ; ) ] } > < | quotes.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <spdlog/common.h>
#include <spdlog/logger.h>
#include <spdlog/details/log_msg.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/sink.h>

namespace puq::log {

inline constexpr const char* kMask = "********";
inline constexpr std::size_t kMaxRegisteredSecrets = 4096;
inline constexpr std::size_t kMinSecretLength = 4;  // shorter strings would mask ordinary words

// Level names: trace, debug, info, warn, error, off. Throws ConfigError for anything else.
spdlog::level::level_enum parseLogLevel(const std::string& name);
bool isValidLogLevel(const std::string& name);

// Installs the default logger: stderr (no colour unless stderr is a terminal; syslog priority
// prefixes "<N>" when stderr is the systemd journal) or, when file is not empty, appends to that file.
// Calling it again re-opens the file (after logrotate). Call it while no other thread logs.
void setupLogging(const std::string& level, const std::string& file);
// Changes the level of the running logger (safe while other threads log).
void setLogLevel(const std::string& level);

// Remembers a secret to mask in every log line. Keeps the most recent kMaxRegisteredSecrets
// (registering again makes a secret recent); ignores strings shorter than kMinSecretLength.
// Thread-safe.
void registerSecret(const std::string& secret);
// Forgets every registered secret (tests).
void clearRegisteredSecrets();
// The text with registered secrets and sensitive key/values masked: what the RedactingSink logs.
// Also useful for anything else leaving the process (DSM call records for the WHMCS module log).
std::string redact(const std::string& text);

// Wraps a real sink: each message is redacted before the wrapped sink formats it.
class RedactingSink final : public spdlog::sinks::sink {
 public:
  explicit RedactingSink(std::shared_ptr<spdlog::sinks::sink> inner);
  void log(const spdlog::details::log_msg& msg) override;
  void flush() override;
  void set_pattern(const std::string& pattern) override;
  void set_formatter(std::unique_ptr<spdlog::formatter> sink_formatter) override;
  const std::shared_ptr<spdlog::sinks::sink>& inner() const { return inner_; }

 private:
  std::shared_ptr<spdlog::sinks::sink> inner_;
};

// A sink that keeps every formatted line (pattern "%v": the message only, without the newline), for
// tests asserting on what was logged. Use it through LogCapture to see lines after redaction.
class CapturingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  CapturingSink() { set_pattern_("%v"); }

  std::vector<std::string> lines() const {
    std::lock_guard<std::mutex> lock(lines_mutex_);
    return lines_;
  }
  // True when any line contains the text.
  bool contains(const std::string& text) const {
    std::lock_guard<std::mutex> lock(lines_mutex_);
    for (const auto& line : lines_)
      if (line.find(text) != std::string::npos) return true;
    return false;
  }
  void clear() {
    std::lock_guard<std::mutex> lock(lines_mutex_);
    lines_.clear();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::string line(formatted.data(), formatted.size());
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    std::lock_guard<std::mutex> lock(lines_mutex_);
    lines_.push_back(std::move(line));
  }
  void flush_() override {}

 private:
  mutable std::mutex lines_mutex_;
  std::vector<std::string> lines_;
};

// For tests: while alive, the default logger logs at trace level into a CapturingSink behind a
// RedactingSink; the previous default logger is restored on destruction.
class LogCapture {
 public:
  LogCapture();
  ~LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::vector<std::string> lines() const { return sink_->lines(); }
  bool contains(const std::string& text) const { return sink_->contains(text); }
  void clear() { sink_->clear(); }
  CapturingSink& sink() { return *sink_; }

 private:
  std::shared_ptr<CapturingSink> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace puq::log

namespace puq {
// Process-level setup, called by the daemon as puq::setupLogging / puq::setLogLevel.
using log::setLogLevel;
using log::setupLogging;
}  // namespace puq
