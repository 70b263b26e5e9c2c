// The metrics registry and its Prometheus text rendering (format 0.0.4).
#include "puq/common/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "puq/version.hpp"

namespace puq::metrics {
namespace {

bool validName(const std::string& name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    const bool digit = c >= '0' && c <= '9';
    if (!(letter || (i > 0 && digit))) return false;
  }
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Text helpers

// Prometheus text format: HELP text escapes backslash and newline; label values also the double quote.
std::string escapeText(const std::string& text, bool escape_quotes) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && escape_quotes)
      out += "\\\"";
    else
      out += c;
  }
  return out;
}

std::string escapeLabelValue(const std::string& value) { return escapeText(value, true); }
std::string escapeHelp(const std::string& help) { return escapeText(help, false); }

std::string formatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
    return std::string(buf, r.ptr);
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest representation that reads back exactly
  return std::string(buf, r.ptr);
}

// ---------------------------------------------------------------------------------------------------
// Family

Family::Family(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

template <typename Map>
LabelValues Family::keyFor(const Map& series, const LabelValues& values) const {
  if (values.size() != label_names_.size())
    throw std::invalid_argument("metric " + name_ + " takes " + std::to_string(label_names_.size()) +
                                " label values, got " + std::to_string(values.size()));
  if (series.size() < kMaxSeriesPerFamily || series.count(values) != 0) return values;
  return LabelValues(label_names_.size(), kOverflowLabel);
}

std::string Family::sampleName(const std::string& suffix, const LabelValues& values, const std::string& extra) const {
  std::string out = name_ + suffix;
  if (label_names_.empty() && extra.empty()) return out;
  out += '{';
  for (size_t i = 0; i < label_names_.size(); ++i) {
    if (i) out += ',';
    out += label_names_[i] + "=\"" + escapeLabelValue(values[i]) + '"';
  }
  if (!extra.empty()) {
    if (!label_names_.empty()) out += ',';
    out += extra;
  }
  out += '}';
  return out;
}

namespace {
void header(std::string& out, const Family& f) {
  out += "# HELP " + f.name() + " " + escapeHelp(f.help()) + "\n";
  out += "# TYPE " + f.name() + " " + f.type() + "\n";
}
}  // namespace

// ---------------------------------------------------------------------------------------------------
// Counter

void Counter::inc(const LabelValues& values, double amount) {
  if (!(amount >= 0)) return;  // also drops NaN
  std::lock_guard<std::mutex> lock(mutex_);
  series_[keyFor(series_, values)] += amount;
}

double Counter::value(const LabelValues& values) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = series_.find(values);
  return it == series_.end() ? 0.0 : it->second;
}

void Counter::render(std::string& out) const {
  header(out, *this);
  std::lock_guard<std::mutex> lock(mutex_);
  if (series_.empty() && label_names_.empty()) out += name_ + " 0\n";
  for (const auto& [values, v] : series_) out += sampleName("", values) + " " + formatValue(v) + "\n";
}

// ---------------------------------------------------------------------------------------------------
// Gauge

void Gauge::set(const LabelValues& values, double v) {
  std::lock_guard<std::mutex> lock(mutex_);
  series_[keyFor(series_, values)] = v;
}

void Gauge::add(const LabelValues& values, double delta) {
  std::lock_guard<std::mutex> lock(mutex_);
  series_[keyFor(series_, values)] += delta;
}

void Gauge::remove(const LabelValues& values) {
  std::lock_guard<std::mutex> lock(mutex_);
  series_.erase(values);
}

double Gauge::value(const LabelValues& values) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = series_.find(values);
  return it == series_.end() ? 0.0 : it->second;
}

bool Gauge::has(const LabelValues& values) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return series_.count(values) != 0;
}

void Gauge::render(std::string& out) const {
  header(out, *this);
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [values, v] : series_) out += sampleName("", values) + " " + formatValue(v) + "\n";
}

// ---------------------------------------------------------------------------------------------------
// Histogram

Histogram::Histogram(std::string name, std::string help, std::vector<std::string> label_names,
                     std::vector<double> buckets)
    : Family(std::move(name), std::move(help), std::move(label_names)), buckets_(std::move(buckets)) {
  if (buckets_.empty()) throw std::invalid_argument("histogram " + name_ + " needs at least one bucket");
  for (size_t i = 0; i < buckets_.size(); ++i) {
    if (!std::isfinite(buckets_[i]) || (i > 0 && buckets_[i] <= buckets_[i - 1]))
      throw std::invalid_argument("histogram " + name_ + ": buckets must be finite and strictly increasing");
  }
}

void Histogram::observe(const LabelValues& values, double v) {
  if (std::isnan(v)) return;
  // The first bucket whose upper bound is >= v; the +Inf bucket when none is.
  const size_t index = static_cast<size_t>(std::lower_bound(buckets_.begin(), buckets_.end(), v) - buckets_.begin());
  std::lock_guard<std::mutex> lock(mutex_);
  Series& s = series_[keyFor(series_, values)];
  if (s.counts.empty()) s.counts.assign(buckets_.size() + 1, 0);
  ++s.counts[index];
  s.sum += v;
  ++s.count;
}

uint64_t Histogram::count(const LabelValues& values) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = series_.find(values);
  return it == series_.end() ? 0 : it->second.count;
}

double Histogram::sum(const LabelValues& values) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = series_.find(values);
  return it == series_.end() ? 0.0 : it->second.sum;
}

void Histogram::render(std::string& out) const {
  header(out, *this);
  std::lock_guard<std::mutex> lock(mutex_);
  auto one = [&](const LabelValues& values, const Series* s) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= buckets_.size(); ++i) {
      if (s) cumulative += s->counts[i];
      const std::string le = i < buckets_.size() ? formatValue(buckets_[i]) : "+Inf";
      out += sampleName("_bucket", values, "le=\"" + le + "\"") + " " + std::to_string(cumulative) + "\n";
    }
    out += sampleName("_sum", values) + " " + formatValue(s ? s->sum : 0.0) + "\n";
    out += sampleName("_count", values) + " " + std::to_string(s ? s->count : 0) + "\n";
  };
  if (series_.empty() && label_names_.empty()) one({}, nullptr);
  for (const auto& [values, s] : series_) one(values, &s);
}

// ---------------------------------------------------------------------------------------------------
// Registry

template <typename T, typename Make, typename Same>
T& Registry::add(const std::string& name, const std::vector<std::string>& label_names, const char* what, Make make,
                 Same same) {
  if (!validName(name, true)) throw std::invalid_argument("invalid metric name '" + name + "'");
  for (const auto& l : label_names) {
    if (!validName(l, false) || l == "le" || l.rfind("__", 0) == 0)
      throw std::invalid_argument("invalid label name '" + l + "' for metric " + name);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& f : families_) {
    if (f->name() != name) continue;
    auto* existing = dynamic_cast<T*>(f.get());
    if (!existing || existing->labelNames() != label_names || !same(*existing))
      throw std::logic_error("metric " + name + " is already registered with another type" + what);
    return *existing;
  }
  std::unique_ptr<T> family = make();
  T& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

Counter& Registry::counter(const std::string& name, const std::string& help, std::vector<std::string> label_names) {
  return add<Counter>(
      name, label_names, " or other labels", [&] { return std::make_unique<Counter>(name, help, label_names); },
      [](const Counter&) { return true; });
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names) {
  return add<Gauge>(
      name, label_names, " or other labels", [&] { return std::make_unique<Gauge>(name, help, label_names); },
      [](const Gauge&) { return true; });
}

Histogram& Registry::histogram(const std::string& name, const std::string& help, std::vector<std::string> label_names,
                               std::vector<double> buckets) {
  return add<Histogram>(
      name, label_names, ", labels or buckets",
      [&] { return std::make_unique<Histogram>(name, help, label_names, buckets); },
      [&](const Histogram& h) { return h.buckets() == buckets; });
}

std::string Registry::render() const {
  std::vector<const Family*> families;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& f : families_) families.push_back(f.get());
  }
  std::string out;
  for (const Family* f : families) f->render(out);
  return out;
}

Registry& defaultRegistry() {
  static Registry* registry = new Registry();  // never destroyed: worker threads may record at exit
  return *registry;
}

std::vector<double> httpBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

std::vector<double> dsmBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

std::vector<double> usageSyncBuckets() {
  return {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800};
}

Standard& standard() {
  static Standard* s = [] {
    Registry& r = defaultRegistry();
    auto* m = new Standard{
        r.counter("puq_http_requests_total",
                  "API requests answered, by route (the route path, or \"unmatched\") and HTTP status; "
                  "401 refusals included.",
                  {"route", "status"}),
        r.histogram("puq_http_request_duration_seconds", "Time to answer an API request, by route.", {"route"},
                    httpBuckets()),
        r.histogram("puq_dsm_request_duration_seconds",
                    "Time of one HTTP request to a NAS, by DSM API (SYNO.Entry.Request for compound requests); "
                    "failed requests included.",
                    {"api"}, dsmBuckets()),
        r.counter("puq_dsm_logins_total", "DSM logins (SYNO.API.Auth login), by result: ok or failed.", {"result"}),
        r.counter("puq_dsm_errors_total",
                  "DSM failures by error code (dsm_unreachable, dsm_timeout, dsm_tls, dsm_protocol, dsm_auth, "
                  "dsm_otp, dsm_permission, dsm_user_exists, dsm_api, dsm_not_admin): those answered to a caller "
                  "and those a usage sync reported per batch.",
                  {"code"}),
        r.histogram("puq_usage_sync_duration_seconds", "Duration of one usage sync (one server or one service), failed ones included.", {},
                    usageSyncBuckets()),
        r.counter("puq_usage_users_synced_total", "DSM users whose usage a sync read and wrote."),
        r.counter("puq_errors_total", "Error answers of the API, by error code (docs/errors.md).", {"code"}),
        r.gauge("puq_outbox_pending",
                "Notifications waiting in the outbox (status pending), read from the database at scrape time; "
                "absent while the database is unreachable."),
        r.gauge("puq_database_up", "1 when the WHMCS database answered at scrape time, else 0."),
        r.gauge("puq_build_info", "Always 1; the label carries the version of puq-synologyd.", {"version"}),
        r.gauge("puq_uptime_seconds", "Seconds since the daemon started."),
    };
    m->dsm_logins.inc({"ok"}, 0);
    m->dsm_logins.inc({"failed"}, 0);
    m->build_info.set({puq::kVersion}, 1);
    m->uptime.set(0);
    return m;
  }();
  return *s;
}

}  // namespace puq::metrics
