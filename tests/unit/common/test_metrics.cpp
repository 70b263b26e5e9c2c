// The metrics registry: counters, gauges and histograms with labels, rendered in the Prometheus text
// format 0.0.4, checked by a small parser of that format (metric_text.hpp).
#include <catch2/catch.hpp>
#include <cmath>
#include <thread>

#include "support/metric_text.hpp"
#include "puq/common/metrics.hpp"

using namespace puq::metrics;
using puq::testing::parseMetricText;

TEST_CASE("metrics: values are formatted as Prometheus reads them", "[metrics]") {
  CHECK(formatValue(0) == "0");
  CHECK(formatValue(42) == "42");
  CHECK(formatValue(-3) == "-3");
  CHECK(formatValue(0.25) == "0.25");
  CHECK(formatValue(0.1) == "0.1");
  CHECK(formatValue(1e20) == "1e+20");
  CHECK(formatValue(INFINITY) == "+Inf");
  CHECK(formatValue(-INFINITY) == "-Inf");
  CHECK(formatValue(NAN) == "NaN");
  CHECK(escapeLabelValue("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
  CHECK(escapeHelp("x\\y\nz \"q\"") == "x\\\\y\\nz \"q\"");
}

TEST_CASE("metrics: a counter with labels renders HELP, TYPE and one line per label set", "[metrics]") {
  Registry r;
  auto& c = r.counter("t_requests_total", "Requests.\nSecond line", {"route", "status"});
  c.inc({"/v1/health", "200"});
  c.inc({"/v1/health", "200"}, 2);
  c.inc({"/v1/x \"quoted\"", "401"});
  c.inc({"/v1/health", "200"}, -5);  // ignored: a counter never goes down
  CHECK(c.value({"/v1/health", "200"}) == 3);
  CHECK_THROWS_AS(c.inc({"only-one"}), std::invalid_argument);

  const std::string text = r.render();
  CHECK(text.find("# HELP t_requests_total Requests.\\nSecond line\n") != std::string::npos);
  CHECK(text.find("# TYPE t_requests_total counter\n") != std::string::npos);
  CHECK(text.find("t_requests_total{route=\"/v1/health\",status=\"200\"} 3\n") != std::string::npos);
  CHECK(text.find("t_requests_total{route=\"/v1/x \\\"quoted\\\"\",status=\"401\"} 1\n") != std::string::npos);

  const auto parsed = parseMetricText(text);
  REQUIRE(parsed.errors.empty());
  CHECK(parsed.types.at("t_requests_total") == "counter");
  CHECK(parsed.value("t_requests_total", {{"route", "/v1/x \"quoted\""}, {"status", "401"}}) == 1);
}

TEST_CASE("metrics: a counter without labels is rendered as 0 before its first increment", "[metrics]") {
  Registry r;
  r.counter("t_plain_total", "Plain.");
  const auto parsed = parseMetricText(r.render());
  REQUIRE(parsed.errors.empty());
  CHECK(parsed.value("t_plain_total", {}) == 0);
}

TEST_CASE("metrics: histogram buckets are cumulative, with +Inf, _sum and _count", "[metrics]") {
  Registry r;
  auto& h = r.histogram("t_duration_seconds", "Durations.", {"api"}, {0.01, 0.1, 1});
  h.observe({"A"}, 0.005);
  h.observe({"A"}, 0.01);  // on a bound: counted in that bucket (le = less or equal)
  h.observe({"A"}, 0.5);
  h.observe({"A"}, 7);
  h.observe({"B"}, 0.05);
  CHECK(h.count({"A"}) == 4);
  CHECK(h.sum({"A"}) == Approx(7.515));

  const std::string text = r.render();
  CHECK(text.find("# TYPE t_duration_seconds histogram\n") != std::string::npos);
  CHECK(text.find("t_duration_seconds_bucket{api=\"A\",le=\"0.01\"} 2\n") != std::string::npos);
  CHECK(text.find("t_duration_seconds_bucket{api=\"A\",le=\"0.1\"} 2\n") != std::string::npos);
  CHECK(text.find("t_duration_seconds_bucket{api=\"A\",le=\"1\"} 3\n") != std::string::npos);
  CHECK(text.find("t_duration_seconds_bucket{api=\"A\",le=\"+Inf\"} 4\n") != std::string::npos);
  CHECK(text.find("t_duration_seconds_count{api=\"A\"} 4\n") != std::string::npos);
  CHECK(text.find("t_duration_seconds_sum{api=\"A\"} 7.515\n") != std::string::npos);
  const auto parsed = parseMetricText(text);
  REQUIRE(parsed.errors.empty());
  CHECK(parsed.value("t_duration_seconds_bucket", {{"api", "B"}, {"le", "0.1"}}) == 1);

  CHECK_THROWS_AS(r.histogram("t_bad", "x", {}, {1, 0.5}), std::invalid_argument);
  CHECK_THROWS_AS(r.histogram("t_bad2", "x", {"le"}, {1}), std::invalid_argument);
}

TEST_CASE("metrics: gauges are set, added to and removed", "[metrics]") {
  Registry r;
  auto& g = r.gauge("t_pending", "Pending.");
  CHECK(r.render().find("\nt_pending ") == std::string::npos);  // no value yet: no sample line
  g.set(5);
  g.add({}, -2);
  CHECK(g.value() == 3);
  CHECK(parseMetricText(r.render()).value("t_pending", {}) == 3);
  g.remove();
  CHECK_FALSE(g.has());
  CHECK(r.render().find("\nt_pending ") == std::string::npos);
}

TEST_CASE("metrics: registering a name again returns the family; a conflicting one throws", "[metrics]") {
  Registry r;
  auto& a = r.counter("t_same_total", "x", {"a"});
  CHECK(&r.counter("t_same_total", "x", {"a"}) == &a);
  CHECK_THROWS_AS(r.counter("t_same_total", "x", {"b"}), std::logic_error);
  CHECK_THROWS_AS(r.gauge("t_same_total", "x", {"a"}), std::logic_error);
  CHECK_THROWS_AS(r.counter("0bad", "x"), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("t_ok_total", "x", {"bad-label"}), std::invalid_argument);
}

TEST_CASE("metrics: a family holds a bounded number of label sets", "[metrics]") {
  Registry r;
  auto& c = r.counter("t_many_total", "x", {"v"});
  for (size_t i = 0; i < kMaxSeriesPerFamily + 50; ++i) c.inc({std::to_string(i)});
  CHECK(c.value({"0"}) == 1);
  CHECK(c.value({kOverflowLabel}) == 50);
  c.inc({"0"});  // an existing series still counts
  CHECK(c.value({"0"}) == 2);
}

TEST_CASE("metrics: concurrent increments are all counted", "[metrics]") {
  Registry r;
  auto& c = r.counter("t_threads_total", "x", {"t"});
  auto& h = r.histogram("t_threads_seconds", "x", {}, {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        c.inc({std::to_string(t % 2)});
        h.observe(0.5);
        if (i % 1000 == 0) (void)r.render();
      }
    });
  for (auto& t : threads) t.join();
  CHECK(c.value({"0"}) + c.value({"1"}) == 20000);
  CHECK(h.count() == 20000);
}

TEST_CASE("metrics: the daemon's standard metrics are all registered and render as valid text", "[metrics]") {
  auto& m = standard();
  m.errors.inc({"test_code"});
  const auto parsed = parseMetricText(defaultRegistry().render());
  REQUIRE(parsed.errors.empty());
  for (const char* name : {"puq_http_requests_total", "puq_http_request_duration_seconds",
                           "puq_dsm_request_duration_seconds", "puq_dsm_logins_total", "puq_dsm_errors_total",
                           "puq_usage_sync_duration_seconds", "puq_usage_users_synced_total", "puq_errors_total",
                           "puq_outbox_pending", "puq_database_up", "puq_build_info", "puq_uptime_seconds"}) {
    INFO(name);
    CHECK(parsed.types.count(name) == 1);
  }
  CHECK(parsed.types.at("puq_http_request_duration_seconds") == "histogram");
  CHECK(parsed.value("puq_dsm_logins_total", {{"result", "ok"}}) >= 0);
  CHECK(parsed.value("puq_errors_total", {{"code", "test_code"}}) >= 1);
  CHECK(parsed.has("puq_build_info"));
}
