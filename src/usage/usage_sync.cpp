#include "puq/usage/usage_sync.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <future>
#include <map>
#include <variant>

#include "puq/common/error.hpp"
#include "puq/common/metrics.hpp"
#include "puq/dsm/errors.hpp"
#include "puq/provisioning/settings.hpp"
#include "puq/usage/figures.hpp"

namespace puq::usage {

namespace {

constexpr int kNoSuchUser = 3106;
constexpr const char* kQuotaApi = "SYNO.Core.Quota";

// Failures where asking again batch by batch cannot help and would only repeat a refused login.
bool isLoginProblem(const dsm::DsmError& e) {
  return e.code() == "dsm_auth" || e.code() == "dsm_otp" || e.code() == "dsm_permission" || e.code() == "dsm_tls";
}

// The NAS (or the way to it) is down: if the first batch read alone fails like this, so would the rest.
bool isTransportProblem(const dsm::DsmError& e) {
  return e.code() == "dsm_unreachable" || e.code() == "dsm_timeout" || e.code() == "dsm_protocol";
}

bool isSessionLoss(int dsm_code) { return dsm_code == 106 || dsm_code == 107 || dsm_code == 119; }

bool isTerminal(const std::string& status) {
  return status == "Terminated" || status == "Cancelled" || status == "Fraud";
}

int64_t elapsedMs(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since).count();
}

// puq_usage_sync_duration_seconds of one run, also when it throws (docs/operations.md).
class SyncTimer {
 public:
  SyncTimer() : started_(std::chrono::steady_clock::now()) {}
  ~SyncTimer() {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    puq::metrics::standard().usage_sync_duration.observe(seconds);
  }

 private:
  std::chrono::steady_clock::time_point started_;
};

// A DSM failure the sync reports instead of throwing (a throw is counted by the API wrapper).
void countReportedError(const dsm::DsmError& e) { puq::metrics::standard().dsm_errors.inc({e.code()}); }

using ParsedSettings = std::variant<provisioning::ProductSettings, std::string>;  // settings or the error

ParsedSettings parseSettingsOf(const whmcs::Service& s) {
  try {
    provisioning::ProductSettings settings = provisioning::parseProductSettings(s.configoptions);
    settings.diskLimitMb();  // validates the unit once more
    return settings;
  } catch (const puq::SettingError& e) {
    return "Product '" + s.product_name + "' (id " + std::to_string(s.product_id) + ") has an invalid setting: " +
           e.what() + ". Fix it in the product's Module Settings; usage of service " + std::to_string(s.id) +
           " was not updated.";
  }
}

}  // namespace

SyncOptions SyncOptions::fromConfig(const DsmSettings& dsm) {
  SyncOptions o;
  o.batch_size = static_cast<size_t>(std::max(1, dsm.usage_batch_size));
  o.max_in_flight = static_cast<size_t>(std::max(1, dsm.usage_max_in_flight));
  return o;
}

UsageSync::UsageSync(whmcs::Store& store, UsageStore& usage_store, const provisioning::Clock& clock,
                     SyncOptions options)
    : store_(store), usage_store_(usage_store), clock_(clock), options_(options) {
  options_.batch_size = std::max<size_t>(1, options_.batch_size);
  options_.max_in_flight = std::max<size_t>(1, options_.max_in_flight);
  options_.write_chunk = std::clamp<size_t>(options_.write_chunk, 1, 500);
}

SyncReport UsageSync::sync(dsm::Client& client, int64_t server_id) {
  if (server_id <= 0) throw BadRequest("Field 'server.id' must be the WHMCS server id to sync usage");
  return run(client, server_id, store_.servicesOnServer(server_id));
}

SyncReport UsageSync::syncService(dsm::Client& client, int64_t server_id, int64_t service_id) {
  if (server_id <= 0) throw BadRequest("Field 'server.id' must be the WHMCS server id to sync usage");
  const auto service = store_.service(service_id);
  if (!service) {
    throw NotFound("WHMCS service " + std::to_string(service_id) + " does not exist", "service_not_found");
  }
  if (service->server_id != server_id) {
    throw Conflict("Service " + std::to_string(service_id) + " is on server " + std::to_string(service->server_id) +
                       ", not on server " + std::to_string(server_id),
                   "service_other_server");
  }
  if (isTerminal(service->status)) {
    throw Conflict("Service " + std::to_string(service_id) + " is " + service->status +
                       ": its usage is no longer synced",
                   "service_not_active");
  }
  if (service->username.empty()) {
    throw Conflict("Service " + std::to_string(service_id) + " has no DSM user yet: create the account first",
                   "service_not_provisioned");
  }
  return run(client, server_id, {*service});
}

SyncReport UsageSync::run(dsm::Client& client, int64_t server_id, const std::vector<whmcs::Service>& services) {
  const SyncTimer timer;
  const auto started = std::chrono::steady_clock::now();
  const TimePoint now = clock_.now();
  const Day today = Day::fromTime(now);
  SyncReport report;
  report.server_id = server_id;

  // Settings per product, parsed once; a product with an invalid setting is reported per service.
  std::map<int64_t, ParsedSettings> by_product;
  std::vector<Asked> asked;
  std::vector<std::string> names;
  for (const auto& s : services) {
    auto it = by_product.find(s.product_id);
    if (it == by_product.end()) it = by_product.emplace(s.product_id, parseSettingsOf(s)).first;
    if (const auto* error = std::get_if<std::string>(&it->second)) {
      report.errors.push_back({s.username, *error});
      continue;
    }
    asked.emplace_back(&s, &std::get<provisioning::ProductSettings>(it->second));
    names.push_back(s.username);
  }

  // Read and write in slices: while one slice is written to the database, the next is read from the
  // NAS, so the database phase overlaps the DSM phase instead of following it. A slice is a whole
  // number of rounds of in-flight batches (1,000 users with the defaults), so the reads lose no
  // parallelism at slice ends. Writes stay one at a time and in order; each chunk is its own
  // idempotent transaction, as before.
  const size_t slice = std::max<size_t>(options_.batch_size * options_.max_in_flight * kRoundsPerSlice, 1);
  std::future<ApplyResult> writing;
  auto collect = [&] {
    if (!writing.valid()) return;
    const ApplyResult r = writing.get();  // rethrows a database failure
    report.services_updated += r.hosting_rows;
    report.notifications_queued += r.queued;
  };
  try {
    for (size_t first = 0; first < names.size(); first += slice) {
      const size_t last = std::min(names.size(), first + slice);
      const std::vector<std::string> slice_names(names.begin() + static_cast<std::ptrdiff_t>(first),
                                                 names.begin() + static_cast<std::ptrdiff_t>(last));
      std::vector<bool> read_ok(slice_names.size(), false);
      auto usage = readUsage(client, slice_names, report, read_ok);
      askAgainAfterSessionLoss(client, slice_names, usage, read_ok, report);
      std::vector<UsageSample> samples = toSamples(slice_names, usage, read_ok,
                                                   {asked.begin() + static_cast<std::ptrdiff_t>(first),
                                                    asked.begin() + static_cast<std::ptrdiff_t>(last)},
                                                   report);
      collect();  // the previous slice's writes end before this slice's start
      writing = std::async(std::launch::async, [this, server_id, today, now, samples = std::move(samples)] {
        return writeSamples(server_id, samples, today, now);
      });
    }
    collect();
  } catch (...) {
    // A failed read ends the sync; the slice being written still finishes (never half a transaction).
    if (writing.valid()) {
      try {
        writing.get();
      } catch (const std::exception& e) {
        spdlog::warn("Usage sync of server {}: writing the last slice failed too: {}", server_id, e.what());
      }
    }
    throw;
  }

  // The settings were parsed once per product above: group the services by their Save history (days).
  std::map<int, std::vector<int64_t>> by_days;
  for (const auto& [service, settings] : asked) by_days[settings->history_days].push_back(service->id);
  report.history_pruned = pruneByDays(by_days, today);

  report.duration_ms = elapsedMs(started);
  puq::metrics::standard().usage_users_synced.inc({}, static_cast<double>(report.users_read));
  spdlog::info("Usage sync of server {}: {} services updated, {} users read, {} missing, {} errors, {} DSM requests,"
               " {} notifications queued, {} ms",
               server_id, report.services_updated, report.users_read, report.missing.size(), report.errors.size(),
               report.dsm_requests, report.notifications_queued, report.duration_ms);
  return report;
}

std::vector<UsageSample> UsageSync::toSamples(const std::vector<std::string>& names,
                                              const std::vector<dsm::UserUsage>& usage,
                                              const std::vector<bool>& read_ok, const std::vector<Asked>& asked,
                                              SyncReport& report) {
  std::vector<UsageSample> samples;
  samples.reserve(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    if (!read_ok[i]) continue;  // its batch failed: already in report.errors
    const dsm::UserUsage& u = usage[i];
    if (!u.found) {
      if (u.error_code == kNoSuchUser) {
        report.missing.push_back(names[i]);
      } else {
        report.errors.push_back({names[i], "SYNO.Core.Quota get failed for this user: " +
                                               dsm::describeDsmCode(kQuotaApi, u.error_code) + " (DSM error " +
                                               std::to_string(u.error_code) + ")"});
      }
      continue;
    }
    ++report.users_read;
    const auto& [service, settings] = asked[i];
    UsageSample sample;
    sample.service_id = service->id;
    sample.username = service->username;
    // MB, rounded; a nonsense value (negative, NaN, beyond 1 EB) is not written as is.
    sample.used_mb = std::isfinite(u.used_mb) ? std::llround(std::clamp(u.used_mb, 0.0, 1e12)) : 0;
    sample.limit_mb = settings->diskLimitMb();
    sample.notify_percent = settings->notify_percent;
    sample.email_template = settings->email_template;
    sample.unit = settings->disk_unit;
    samples.push_back(std::move(sample));
  }
  return samples;
}

ApplyResult UsageSync::writeSamples(int64_t server_id, const std::vector<UsageSample>& samples, Day today,
                                    TimePoint now) {
  ApplyResult total;
  for (size_t begin = 0; begin < samples.size(); begin += options_.write_chunk) {
    const size_t end = std::min(samples.size(), begin + options_.write_chunk);
    const std::vector<UsageSample> chunk(samples.begin() + static_cast<std::ptrdiff_t>(begin),
                                         samples.begin() + static_cast<std::ptrdiff_t>(end));
    const ApplyResult r = usage_store_.applyUsage(server_id, chunk, today, now);
    total.hosting_rows += r.hosting_rows;
    total.queued += r.queued;
  }
  return total;
}

std::vector<dsm::UserUsage> UsageSync::readUsage(dsm::Client& client, const std::vector<std::string>& names,
                                                 SyncReport& report, std::vector<bool>& read_ok) {
  const size_t batch = options_.batch_size;
  const size_t batches = (names.size() + batch - 1) / batch;
  // The normal case: one call, batched and parallel inside the DSM client.
  try {
    auto usage = client.usage(names, batch, options_.max_in_flight);
    report.dsm_requests += static_cast<int64_t>(batches);
    if (usage.size() != names.size()) {
      throw dsm::DsmError("dsm_protocol", "The DSM client returned " + std::to_string(usage.size()) +
                                              " usage results for " + std::to_string(names.size()) + " users");
    }
    std::fill(read_ok.begin(), read_ok.end(), true);
    return usage;
  } catch (const dsm::DsmError& e) {
    // The client gives up on the first failed batch; at most every batch was sent.
    report.dsm_requests += static_cast<int64_t>(batches);
    if (isLoginProblem(e) || batches == 1) throw;
    countReportedError(e);
    spdlog::warn("Usage sync of server {}: {}; reading the {} batches one by one", report.server_id, e.what(),
                 batches);
  }

  // A batch failed: ask batch by batch, so one bad batch is reported and the others are still written.
  std::vector<dsm::UserUsage> results(names.size());
  bool any_ok = false;
  std::exception_ptr last_error;
  for (size_t b = 0; b < batches; ++b) {
    const size_t begin = b * batch;
    const size_t end = std::min(names.size(), begin + batch);
    const std::vector<std::string> chunk(names.begin() + static_cast<std::ptrdiff_t>(begin),
                                         names.begin() + static_cast<std::ptrdiff_t>(end));
    try {
      auto usage = client.usage(chunk, batch, 1);
      ++report.dsm_requests;
      for (size_t i = begin; i < end && i - begin < usage.size(); ++i) {
        results[i] = std::move(usage[i - begin]);
        read_ok[i] = true;
      }
      any_ok = true;
    } catch (const dsm::DsmError& e) {
      ++report.dsm_requests;
      if (isLoginProblem(e) || (!any_ok && isTransportProblem(e))) throw;
      if (b + 1 < batches || any_ok) countReportedError(e);  // else rethrown below, and counted there
      for (const auto& name : chunk) report.errors.push_back({name, e.what()});
      last_error = std::current_exception();
    }
  }
  if (!any_ok && last_error) std::rethrow_exception(last_error);
  return results;
}

void UsageSync::askAgainAfterSessionLoss(dsm::Client& client, const std::vector<std::string>& names,
                                         std::vector<dsm::UserUsage>& usage, const std::vector<bool>& read_ok,
                                         SyncReport& report) {
  // A session that expires while a compound request runs fails the sub-requests still to come with
  // 106/107/119 although the compound itself succeeded. Asking those users once more logs in again
  // (the next request is refused with the same code, and the client re-logs in once).
  std::vector<size_t> again;
  for (size_t i = 0; i < names.size(); ++i) {
    if (read_ok[i] && !usage[i].found && isSessionLoss(usage[i].error_code)) again.push_back(i);
  }
  if (again.empty()) return;
  std::vector<std::string> retry_names;
  for (size_t i : again) retry_names.push_back(names[i]);
  spdlog::info("Usage sync of server {}: the DSM session ended during the sync; asking {} users again",
               report.server_id, retry_names.size());
  try {
    auto retried = client.usage(retry_names, options_.batch_size, options_.max_in_flight);
    report.dsm_requests += static_cast<int64_t>((retry_names.size() + options_.batch_size - 1) / options_.batch_size);
    for (size_t k = 0; k < again.size() && k < retried.size(); ++k) usage[again[k]] = std::move(retried[k]);
  } catch (const dsm::DsmError& e) {
    // Keep the first answers: those users are reported with their session error below.
    countReportedError(e);
    spdlog::warn("Usage sync of server {}: asking again failed: {}", report.server_id, e.what());
  }
}

int64_t UsageSync::pruneByDays(const std::map<int, std::vector<int64_t>>& by_days, Day today) {
  int64_t deleted = 0;
  for (const auto& [days, ids] : by_days) deleted += usage_store_.pruneHistory(ids, days, today);
  return deleted;
}

ServiceUsageView UsageSync::view(int64_t service_id, int days) {
  if (days < 1 || days > 3650) throw BadRequest("Field 'days' must be a whole number from 1 to 3650");
  const auto service = store_.service(service_id);
  if (!service) {
    throw NotFound("WHMCS service " + std::to_string(service_id) + " does not exist", "service_not_found");
  }
  const auto settings = provisioning::parseProductSettings(service->configoptions);  // SettingError: 422
  const auto hosting = usage_store_.hostingUsage(service_id);
  const Day today = Day::fromTime(clock_.now());

  ServiceUsageView v;
  v.service_id = service_id;
  v.username = service->username;
  v.unit = settings.disk_unit;
  v.unit_mb = mbPerUnit(settings.disk_unit);
  v.disk_limit_mb = settings.diskLimitMb();
  v.unlimited = v.disk_limit_mb == 0;
  v.disk_used_mb = hosting ? hosting->diskusage_mb : 0;
  v.lastupdate = hosting ? hosting->lastupdate : std::nullopt;
  if (!v.unlimited) {
    v.disk_free_mb = std::max<int64_t>(0, v.disk_limit_mb - v.disk_used_mb);
    const double used = std::round(usedPercent(v.disk_used_mb, v.disk_limit_mb) * 10.0) / 10.0;
    v.used_percent = used;
    v.free_percent = std::max(0.0, 100.0 - used);
  }
  v.notify_percent = settings.notify_percent;
  v.show_password = settings.show_password;
  v.instruction_link = settings.instruction_link;
  v.daily = usage_store_.daily(service_id, days, today);
  v.monthly = usage_store_.monthly(service_id, 12, today);
  return v;
}

}  // namespace puq::usage
