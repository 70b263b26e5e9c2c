// SYNO.Entry.Request request (v1-2): compound calls (dsm-api.md §3).
// Envelope: {"data":{"result":[{"api","method","version","success","data"|"error"}]},"success":true}.
// No failure flag: the doc saw none (HELPER reads only result[i]).
#include <atomic>
#include <thread>

#include "api.hpp"

namespace puq::sim {

namespace {

constexpr int kBadCompound = 120;  // DSM's code for a malformed `compound` was not found (docs)
constexpr size_t kParallelWorkers = 8;

}  // namespace

Json runCompound(Ctx& ctx) {
  const std::string mode = ctx.optString("mode", kBadCompound).value_or("sequential");
  if (mode != "sequential" && mode != "parallel") throw BadParam{kBadCompound};
  const bool stop_when_error = ctx.optBool("stop_when_error", kBadCompound).value_or(false);
  const Json* compound = ctx.find("compound");
  if (!compound || !compound->is_array()) throw BadParam{kBadCompound};

  Core& core = ctx.core;
  WebApi& webapi = ctx.webapi;
  const size_t n = compound->size();
  std::vector<Json> results(n);

  // Runs element i; returns its success. Sub-requests go through the same checks as top-level calls.
  auto run_one = [&](size_t i) -> bool {
    const Json& element = (*compound)[i];
    double latency;
    {
      std::lock_guard<std::mutex> lock(core.mu);
      core.stats.subrequests++;
      latency = core.faults.subrequest_latency_ms;
    }
    core.sleepFor(latency);
    if (!element.is_object()) {
      results[i] = errorBody(101);
      return false;
    }
    CallInput in;
    in.raw_strings = false;  // inside compound the values are native JSON
    in.sid = ctx.sid;
    in.synotoken = ctx.synotoken;
    for (const auto& [key, value] : element.items()) {
      if (key == "api" && value.is_string()) in.api = value.get<std::string>();
      else if (key == "method" && value.is_string()) in.method = value.get<std::string>();
      else if (key == "version") in.version = value;
      else if (key != "_sid" && key != "SynoToken") in.params[key] = value;
    }
    CallResult r = webapi.dispatch(in, true);
    Json row = r.body;
    if (element.contains("api")) row["api"] = element["api"];
    if (element.contains("method")) row["method"] = element["method"];
    if (element.contains("version")) row["version"] = element["version"];
    bool ok = row.value("success", false);
    results[i] = std::move(row);
    return ok;
  };

  if (mode == "parallel" && n > 1) {
    std::atomic<size_t> next{0};
    std::vector<std::thread> workers;
    for (size_t w = 0; w < std::min(n, kParallelWorkers); ++w)
      workers.emplace_back([&] {
        for (size_t i = next++; i < n; i = next++) run_one(i);
      });
    for (auto& t : workers) t.join();
  } else {
    for (size_t i = 0; i < n; ++i) {
      if (!run_one(i) && stop_when_error) {
        results.resize(i + 1);  // the rest is not run and not reported
        break;
      }
    }
  }
  Json result = Json::array();
  for (auto& r : results) result.push_back(std::move(r));
  return okBody({{"result", result}});
}

}  // namespace puq::sim
