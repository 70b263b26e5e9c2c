#pragma once
// Process metrics in the Prometheus text exposition format 0.0.4 (GET /metrics, docs/operations.md).
// No dependency: a small thread-safe registry of counter, gauge and histogram families with labels.
//
//   auto& m = puq::metrics::standard();                   // the daemon's metrics, registered once
//   m.http_requests.inc({"/v1/health", "200"});           // label values in the family's label order
//   m.dsm_request_duration.observe({"SYNO.API.Auth"}, 0.012);
//   std::string text = puq::metrics::defaultRegistry().render();
//
// Label values are escaped when rendered (\\, \" and \n). A family keeps at most kMaxSeriesPerFamily
// label sets; further new label sets are counted in one series whose label values are all
// "_overflow_", so a bug that puts unbounded values in a label cannot grow memory without bound.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace puq::metrics {

inline constexpr std::size_t kMaxSeriesPerFamily = 1000;
inline constexpr const char* kOverflowLabel = "_overflow_";
inline constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

using LabelValues = std::vector<std::string>;

// Shared by the families: name, help, label names, and the lock over the series map.
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names);
  virtual ~Family() = default;
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& labelNames() const { return label_names_; }
  virtual const char* type() const = 0;
  // Appends the HELP, TYPE and sample lines.
  virtual void render(std::string& out) const = 0;

 protected:
  // The key to store a series under: the values themselves, or the overflow key when the family is
  // full. Throws std::invalid_argument when the number of values does not match the label names.
  // Caller holds mutex_.
  template <typename Map>
  LabelValues keyFor(const Map& series, const LabelValues& values) const;
  // `name{a="x",b="y"` (no closing brace) or `name` when there are no labels; `extra` is appended as
  // one more label (the histogram's le).
  std::string sampleName(const std::string& suffix, const LabelValues& values, const std::string& extra = {}) const;

  std::string name_, help_;
  std::vector<std::string> label_names_;
  mutable std::mutex mutex_;
};

// A value that only goes up (resets when the process restarts).
class Counter final : public Family {
 public:
  using Family::Family;
  void inc(const LabelValues& values = {}, double amount = 1.0);  // amount < 0 is ignored
  double value(const LabelValues& values = {}) const;              // 0 when the series does not exist
  const char* type() const override { return "counter"; }
  void render(std::string& out) const override;

 private:
  std::map<LabelValues, double> series_;
};

// A value that is set (or computed at scrape time).
class Gauge final : public Family {
 public:
  using Family::Family;
  void set(const LabelValues& values, double v);
  void set(double v) { set({}, v); }
  void add(const LabelValues& values, double delta);
  void remove(const LabelValues& values = {});  // the series is not rendered until set again
  double value(const LabelValues& values = {}) const;
  bool has(const LabelValues& values = {}) const;
  const char* type() const override { return "gauge"; }
  void render(std::string& out) const override;

 private:
  std::map<LabelValues, double> series_;
};

// Observations counted in cumulative buckets (upper bounds, ascending; +Inf is implicit), with their
// sum and count.
class Histogram final : public Family {
 public:
  Histogram(std::string name, std::string help, std::vector<std::string> label_names, std::vector<double> buckets);
  void observe(const LabelValues& values, double v);
  void observe(double v) { observe({}, v); }
  // For tests: the count and sum of one series (0 when it does not exist).
  uint64_t count(const LabelValues& values = {}) const;
  double sum(const LabelValues& values = {}) const;
  const std::vector<double>& buckets() const { return buckets_; }
  const char* type() const override { return "histogram"; }
  void render(std::string& out) const override;

 private:
  struct Series {
    std::vector<uint64_t> counts;  // per bucket, not cumulative; the last one is +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  std::vector<double> buckets_;
  std::map<LabelValues, Series> series_;
};

// The families of one process, rendered in registration order.
class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Registering a name twice returns the existing family when its type and labels match, and throws
  // std::logic_error otherwise. Names must match [a-zA-Z_:][a-zA-Z0-9_:]*, label names
  // [a-zA-Z_][a-zA-Z0-9_]* (std::invalid_argument otherwise).
  Counter& counter(const std::string& name, const std::string& help, std::vector<std::string> label_names = {});
  Gauge& gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names = {});
  Histogram& histogram(const std::string& name, const std::string& help, std::vector<std::string> label_names,
                       std::vector<double> buckets);

  std::string render() const;

 private:
  // The family named `name` of type T with these labels: the one registered already when `same`
  // accepts it (the extra check, e.g. a histogram's buckets; `what` names it in the error), else the
  // new one `make()` builds. Throws on an invalid name or a clash.
  template <typename T, typename Make, typename Same>
  T& add(const std::string& name, const std::vector<std::string>& label_names, const char* what, Make make,
         Same same);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Family>> families_;
};

// The process-wide registry the daemon serves on /metrics.
Registry& defaultRegistry();

// Bucket bounds (seconds).
std::vector<double> httpBuckets();        // 1 ms .. 60 s
std::vector<double> dsmBuckets();         // 1 ms .. 30 s
std::vector<double> usageSyncBuckets();   // 0.1 s .. 30 min

// The daemon's metrics (docs/operations.md), registered in defaultRegistry() on first use.
struct Standard {
  Counter& http_requests;              // puq_http_requests_total{route,status}
  Histogram& http_request_duration;    // puq_http_request_duration_seconds{route}
  Histogram& dsm_request_duration;     // puq_dsm_request_duration_seconds{api}
  Counter& dsm_logins;                 // puq_dsm_logins_total{result}: ok | failed
  Counter& dsm_errors;                 // puq_dsm_errors_total{code}: DsmError codes
  Histogram& usage_sync_duration;      // puq_usage_sync_duration_seconds
  Counter& usage_users_synced;         // puq_usage_users_synced_total
  Counter& errors;                     // puq_errors_total{code}: every error answer of the API
  Gauge& outbox_pending;               // puq_outbox_pending (set at scrape time)
  Gauge& database_up;                  // puq_database_up (set at scrape time)
  Gauge& build_info;                   // puq_build_info{version} 1
  Gauge& uptime;                       // puq_uptime_seconds (set at scrape time)
};
Standard& standard();

// Prometheus text helpers (exposed for tests).
std::string escapeLabelValue(const std::string& value);  // \ -> \\, " -> \", newline -> \n
std::string escapeHelp(const std::string& help);         // \ -> \\, newline -> \n
std::string formatValue(double v);                       // shortest round-trip; +Inf, -Inf, NaN

}  // namespace puq::metrics
