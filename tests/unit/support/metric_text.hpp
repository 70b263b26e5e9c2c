#pragma once
// puq::testing::parseMetricText: a strict reader of the Prometheus text exposition format 0.0.4, to
// check what GET /metrics serves (https://prometheus.io/docs/instrumenting/exposition_formats/).
//
//   auto parsed = parseMetricText(text);
//   REQUIRE(parsed.errors.empty());                       // every problem, "line N: what"
//   parsed.types.at("puq_http_requests_total") == "counter";
//   parsed.value("puq_http_requests_total", {{"route", "/v1/health"}, {"status", "200"}});  // NaN if absent
//
// Checked: HELP/TYPE syntax, one TYPE per family and before its samples, metric and label names, label
// value escapes (\\ \" \n only), values (+Inf, -Inf, NaN or a float), duplicate series, histogram
// series (_bucket with le, cumulative counts ending in +Inf == _count, _sum), the final newline.
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace puq::testing {

struct MetricSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct ParsedMetrics {
  std::map<std::string, std::string> types;  // family name -> counter | gauge | histogram | ...
  std::map<std::string, std::string> help;
  std::vector<MetricSample> samples;
  std::vector<std::string> errors;

  // The value of the sample with exactly these labels, NaN when there is none.
  double value(const std::string& name, const std::map<std::string, std::string>& labels) const {
    for (const auto& s : samples)
      if (s.name == name && s.labels == labels) return s.value;
    return std::numeric_limits<double>::quiet_NaN();
  }
  // The sum over the samples of `name` whose labels include `subset`.
  double sum(const std::string& name, const std::map<std::string, std::string>& subset = {}) const {
    double total = 0;
    for (const auto& s : samples) {
      if (s.name != name) continue;
      bool match = true;
      for (const auto& [k, v] : subset) {
        auto it = s.labels.find(k);
        if (it == s.labels.end() || it->second != v) match = false;
      }
      if (match) total += s.value;
    }
    return total;
  }
  bool has(const std::string& name) const {
    for (const auto& s : samples)
      if (s.name == name) return true;
    return false;
  }
};

namespace detail {

inline bool metricNameOk(const std::string& n) {
  if (n.empty()) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    const bool ok = std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
                    (i > 0 && std::isdigit(static_cast<unsigned char>(c)));
    if (!ok) return false;
  }
  return true;
}

inline bool labelNameOk(const std::string& n) {
  return metricNameOk(n) && n.find(':') == std::string::npos;
}

inline bool parseNumber(const std::string& text, double& out) {
  if (text == "+Inf" || text == "Inf") return out = INFINITY, true;
  if (text == "-Inf") return out = -INFINITY, true;
  if (text == "NaN") return out = NAN, true;
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

// The family a sample belongs to (histogram/summary suffixes stripped when that family is typed).
inline std::string familyOf(const std::string& name, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s = suffix;
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      const std::string base = name.substr(0, name.size() - s.size());
      auto it = types.find(base);
      if (it != types.end() && (it->second == "histogram" || it->second == "summary")) return base;
    }
  }
  return name;
}

}  // namespace detail

inline ParsedMetrics parseMetricText(const std::string& text) {
  ParsedMetrics p;
  if (!text.empty() && text.back() != '\n') p.errors.push_back("the text does not end with a newline");
  std::set<std::string> seen_series, families_with_samples;
  size_t pos = 0;
  int number = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    auto error = [&](const std::string& what) { p.errors.push_back("line " + std::to_string(number) + ": " + what + ": " + line); };
    if (line.empty()) continue;
    if (line[0] == '#') {
      if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
        const bool is_type = line[2] == 'T';
        const std::string rest = line.substr(7);
        const size_t sp = rest.find(' ');
        const std::string name = rest.substr(0, sp);
        const std::string value = sp == std::string::npos ? "" : rest.substr(sp + 1);
        if (!detail::metricNameOk(name)) error("bad metric name in a comment");
        if (is_type) {
          static const std::set<std::string> kinds = {"counter", "gauge", "histogram", "summary", "untyped"};
          if (!kinds.count(value)) error("unknown type");
          if (p.types.count(name)) error("second TYPE line for " + name);
          if (families_with_samples.count(name)) error("TYPE after samples of " + name);
          p.types[name] = value;
        } else {
          if (p.help.count(name)) error("second HELP line for " + name);
          for (size_t i = 0; i < value.size(); ++i)
            if (value[i] == '\\' && (i + 1 >= value.size() || (value[i + 1] != '\\' && value[i + 1] != 'n')))
              error("bad escape in HELP");
            else if (value[i] == '\\')
              ++i;
          p.help[name] = value;
        }
      }
      continue;
    }
    MetricSample s;
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = line.substr(0, i);
    if (!detail::metricNameOk(s.name)) {
      error("bad metric name");
      continue;
    }
    bool ok = true;
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (ok && i < line.size() && line[i] != '}') {
        size_t eq = line.find('=', i);
        if (eq == std::string::npos) {
          ok = false;
          break;
        }
        const std::string key = line.substr(i, eq - i);
        if (!detail::labelNameOk(key) || s.labels.count(key)) ok = false;
        i = eq + 1;
        if (i >= line.size() || line[i] != '"') {
          ok = false;
          break;
        }
        ++i;
        std::string value;
        bool closed = false;
        while (i < line.size()) {
          const char c = line[i++];
          if (c == '"') {
            closed = true;
            break;
          }
          if (c == '\\') {
            if (i >= line.size()) break;
            const char e = line[i++];
            if (e == '\\') value += '\\';
            else if (e == '"') value += '"';
            else if (e == 'n') value += '\n';
            else ok = false;
            continue;
          }
          value += c;
        }
        if (!closed) ok = false;
        s.labels[key] = value;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size() || line[i] != '}') ok = false;
      ++i;
    }
    if (!ok || i >= line.size() || line[i] != ' ') {
      error("bad labels");
      continue;
    }
    std::string rest = line.substr(i + 1);
    const size_t sp = rest.find(' ');
    const std::string value = rest.substr(0, sp);
    if (!detail::parseNumber(value, s.value)) {
      error("bad value");
      continue;
    }
    if (sp != std::string::npos) {
      double ts = 0;
      if (!detail::parseNumber(rest.substr(sp + 1), ts)) error("bad timestamp");
    }
    const std::string family = detail::familyOf(s.name, p.types);
    families_with_samples.insert(family);
    if (!p.types.count(family)) error("sample before (or without) the TYPE of " + family);
    std::string key = s.name;
    for (const auto& [k, v] : s.labels) key += "\x1f" + k + "=" + v;
    if (!seen_series.insert(key).second) error("duplicate series");
    p.samples.push_back(std::move(s));
  }

  // Histograms: per label set (without le), cumulative buckets ending in +Inf == _count, and a _sum.
  for (const auto& [family, type] : p.types) {
    if (type != "histogram") continue;
    std::map<std::map<std::string, std::string>, std::vector<std::pair<double, double>>> buckets;
    std::map<std::map<std::string, std::string>, double> counts;
    std::set<std::map<std::string, std::string>> sums;
    for (const auto& s : p.samples) {
      if (s.name == family + "_bucket") {
        auto labels = s.labels;
        auto le = labels.find("le");
        double bound = 0;
        if (le == labels.end() || !detail::parseNumber(le->second, bound)) {
          p.errors.push_back(family + ": a bucket without a valid le");
          continue;
        }
        labels.erase(le);
        buckets[labels].push_back({bound, s.value});
      } else if (s.name == family + "_count") {
        counts[s.labels] = s.value;
      } else if (s.name == family + "_sum") {
        sums.insert(s.labels);
      } else if (s.name == family) {
        p.errors.push_back(family + ": a histogram sample without _bucket/_sum/_count");
      }
    }
    for (const auto& [labels, list] : buckets) {
      for (size_t k = 1; k < list.size(); ++k)
        if (list[k].first <= list[k - 1].first || list[k].second < list[k - 1].second)
          p.errors.push_back(family + ": buckets not increasing or not cumulative");
      if (list.empty() || !std::isinf(list.back().first)) p.errors.push_back(family + ": no le=\"+Inf\" bucket");
      if (!counts.count(labels) || counts[labels] != list.back().second)
        p.errors.push_back(family + ": _count differs from the +Inf bucket");
      if (!sums.count(labels)) p.errors.push_back(family + ": no _sum");
    }
  }
  return p;
}

}  // namespace puq::testing
