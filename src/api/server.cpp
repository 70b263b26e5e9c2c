#include "puq/api/server.hpp"

#include "puq/api/task_queue.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <strings.h>

#include <optional>

#include "puq/common/auth.hpp"
#include "puq/common/error.hpp"
#include "puq/common/log.hpp"
#include "puq/common/metrics.hpp"
#include "puq/dsm/errors.hpp"

namespace puq::api {
namespace {

nlohmann::json errorBody(const std::string& code, const std::string& message) {
  return {{"error", {{"code", code}, {"message", message}}}};
}

nlohmann::json callsToJson(const std::vector<dsm::CallRecord>& records) {
  nlohmann::json calls = nlohmann::json::array();
  for (const auto& r : records)
    calls.push_back({{"api", r.api}, {"method", r.method}, {"version", r.version}, {"request", r.request},
                     {"response", r.response}, {"http_status", r.http_status}, {"elapsed_ms", r.elapsed_ms}});
  return calls;
}

void sendJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  // Replace invalid UTF-8 (a DSM answer could carry some) rather than failing to answer.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

// Metrics of one answered request (docs/operations.md). `code` is the error code, empty on success;
// `seconds` < 0: the duration is unknown (answers made by httplib itself) and not observed.
void countRequest(const std::string& route, int status, const std::string& code, double seconds = -1) {
  auto& m = metrics::standard();
  m.http_requests.inc({route, std::to_string(status)});
  if (seconds >= 0) m.http_request_duration.observe({route}, seconds);
  if (!code.empty()) m.errors.inc({code});
}

double secondsSince(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

void addSecurityHeaders(httplib::Response& res) {
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Cache-Control", "no-store");
  res.set_header("Content-Security-Policy", "default-src 'none'");
  res.set_header("X-Frame-Options", "DENY");
}

}  // namespace

struct ApiServer::Impl {
  const Config& config;
  RequestVerifier verifier;
  httplib::Server http;
  int port = 0;

  Impl(const Config& c, std::string secret)
      : config(c), verifier(std::move(secret), c.daemon.replay_window_seconds) {}

  // For a route that takes a bearer token (GET /metrics): nullopt when the request carries no
  // "Authorization: Bearer" header (the signature decides), "" when the token is right, else why not.
  std::optional<std::string> checkBearer(const Route& route, const httplib::Request& req) const {
    if (!route.bearer_token) return std::nullopt;
    const std::string auth = req.get_header_value("Authorization");
    if (auth.size() < 7 || strncasecmp(auth.c_str(), "Bearer ", 7) != 0) return std::nullopt;
    const std::string& token = config.daemon.metrics_token;
    if (token.empty()) return std::string("a bearer token was sent, but [daemon] metrics_token is not set");
    // Equal-length digests: the time taken tells nothing about the token, not even its length.
    const std::string given = auth.substr(7);
    if (!constantTimeEquals(hmacSha256Hex("puq-metrics-token", given), hmacSha256Hex("puq-metrics-token", token)))
      return std::string("wrong bearer token (compare it with [daemon] metrics_token)");
    return std::string();
  }

  // The one wrapper every route goes through.
  void handle(const Route& route, const httplib::Request& req, httplib::Response& res) {
    addSecurityHeaders(res);
    const auto started = std::chrono::steady_clock::now();
    std::optional<std::string> refusal;
    const auto bearer = checkBearer(route, req);
    if (bearer) {
      if (!bearer->empty()) refusal = *bearer;
    } else {
      refusal = verifier.verify(req.get_header_value("X-Puq-Timestamp"), req.get_header_value("X-Puq-Nonce"),
                                req.get_header_value("X-Puq-Signature"), req.method, req.path, req.body);
    }
    if (refusal) {
      spdlog::warn("401 {} {} from {}: {}", req.method, req.path, req.remote_addr, *refusal);
      std::string hint = ". Check that the module and the daemon use the same secret file and that both clocks "
                         "are right.";
      if (route.bearer_token)
        hint = bearer ? std::string(".")
                      : std::string(". Send 'Authorization: Bearer <[daemon] metrics_token>' (Prometheus), or sign the "
                                    "request with the shared secret.");
      sendJson(res, 401, errorBody("unauthorized", "Request refused: " + *refusal + hint));
      countRequest(route.path, 401, "unauthorized", secondsSince(started));
      return;
    }

    dsm::CallRecorder recorder;
    nlohmann::json answer;
    int status = 200;
    std::string error_code;
    try {
      nlohmann::json body = nlohmann::json::object();
      if (!req.body.empty()) {
        body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
        if (body.is_discarded()) throw BadRequest("The request body is not valid JSON");
        if (!body.is_object()) throw BadRequest("The request body must be a JSON object");
      }
      answer = route.handler(body);
    } catch (const puq::Error& e) {
      status = e.httpStatus();
      error_code = e.code();
      answer = errorBody(e.code(), e.what());
      if (dynamic_cast<const dsm::DsmError*>(&e) != nullptr) metrics::standard().dsm_errors.inc({e.code()});
      spdlog::warn("{} {} -> {} {}: {}", req.method, req.path, status, e.code(), e.what());
    } catch (const std::exception& e) {
      status = 500;
      error_code = "internal_error";
      answer = errorBody("internal_error", std::string("Internal error in puq-synologyd: ") + e.what() +
                                               ". See the daemon log for details.");
      spdlog::error("{} {} -> 500: {}", req.method, req.path, e.what());
    }
    if (status == 200 && !route.content_type.empty() && answer.is_string()) {
      res.status = 200;
      res.set_content(answer.get<std::string>(), route.content_type.c_str());
    } else {
      if (!recorder.records().empty() || answer.is_object()) answer["dsm_calls"] = callsToJson(recorder.records());
      sendJson(res, status, answer);
    }
    countRequest(route.path, status, error_code, secondsSince(started));
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("{} {} -> {} in {:.1f} ms ({} DSM calls)", req.method, req.path, status, ms,
                 recorder.records().size());
  }
};

ApiServer::ApiServer(const Config& config, std::string secret, std::vector<Route> routes)
    : impl_(std::make_unique<Impl>(config, std::move(secret))) {
  auto& http = impl_->http;
  const size_t threads = static_cast<size_t>(std::max(1, config.daemon.worker_threads));
  const size_t max_queued = static_cast<size_t>(std::max(1, config.daemon.max_queued_requests));
  http.new_task_queue = [threads, max_queued] { return new BoundedTaskQueue(threads, max_queued); };
  // A request read by a refusing thread (the wait queue was full when its connection arrived) is
  // answered here, before authentication and before any handler: nothing was done, so a retry is safe.
  http.set_pre_routing_handler([threads, max_queued](const httplib::Request&, httplib::Response& res) {
    if (!BoundedTaskQueue::refusingOnThisThread()) return httplib::Server::HandlerResponse::Unhandled;
    addSecurityHeaders(res);
    res.set_header("Retry-After", "1");
    sendJson(res, 503,
             errorBody("overloaded", "puq-synologyd is busy: all " + std::to_string(threads) + " workers are working and " +
                                         std::to_string(max_queued) +
                                         " requests are waiting. This request was not run; retry it. If this persists, "
                                         "raise [daemon] worker_threads or max_queued_requests."));
    countRequest("overloaded", 503, "overloaded");
    return httplib::Server::HandlerResponse::Handled;
  });
  http.set_payload_max_length(config.daemon.max_body_bytes);
  http.set_read_timeout(10, 0);
  http.set_write_timeout(10, 0);
  http.set_keep_alive_max_count(100);
  http.set_tcp_nodelay(true);

  for (auto& route : routes) {
    auto shared = std::make_shared<Route>(std::move(route));
    auto fn = [this, shared](const httplib::Request& req, httplib::Response& res) {
      impl_->handle(*shared, req, res);
    };
    if (shared->method == "GET")
      http.Get(shared->path, fn);
    else
      http.Post(shared->path, fn);
  }
  // Errors raised by httplib itself (unknown route, body too large) get the same JSON shape.
  // They are counted under the route "unmatched" (the wrapper counts the answers it made itself).
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    addSecurityHeaders(res);
    std::string code = "http_" + std::to_string(res.status), message = "HTTP error";
    if (res.status == 404) code = "not_found", message = "No such route: " + req.method + " " + req.path;
    if (res.status == 413) code = "body_too_large", message = "The request body is larger than max_body_bytes";
    sendJson(res, res.status, errorBody(code, message));
    countRequest("unmatched", res.status, code);
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    sendJson(res, 500, errorBody("internal_error", "Internal error in puq-synologyd"));
    countRequest("unmatched", 500, "internal_error");
  });
}

ApiServer::~ApiServer() { stop(); }

int ApiServer::bind() {
  const auto& d = impl_->config.daemon;
  int port = d.listen_port;
  if (port == 0) {
    port = impl_->http.bind_to_any_port(d.listen_address);
  } else if (!impl_->http.bind_to_port(d.listen_address, port)) {
    port = -1;
  }
  if (port <= 0)
    throw ConfigError("Cannot listen on " + d.listen_address + ":" + std::to_string(d.listen_port) +
                      ": the address is in use or not available. Set [daemon] listen_address/listen_port.");
  impl_->port = port;
  spdlog::info("Listening on {}:{}", d.listen_address, port);
  return port;
}

void ApiServer::serve() { impl_->http.listen_after_bind(); }

void ApiServer::stop() {
  if (impl_ && impl_->http.is_running()) impl_->http.stop();
}

int64_t requireId(const nlohmann::json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end()) throw BadRequest(std::string("Missing field '") + field + "'");
  if (!it->is_number_integer() || it->get<int64_t>() <= 0)
    throw BadRequest(std::string("Field '") + field + "' must be a positive integer");
  return it->get<int64_t>();
}

std::string requireString(const nlohmann::json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end()) throw BadRequest(std::string("Missing field '") + field + "'");
  if (!it->is_string()) throw BadRequest(std::string("Field '") + field + "' must be a string");
  return it->get<std::string>();
}

dsm::Endpoint requireServer(const nlohmann::json& body, const DsmSettings& dsm) {
  auto it = body.find("server");
  if (it == body.end() || !it->is_object())
    throw BadRequest("Missing object 'server' (the WHMCS server: host, port, secure, username, password)");
  const auto& s = *it;
  dsm::Endpoint e;
  if (s.contains("id")) {
    if (!s["id"].is_number_integer() || s["id"].get<int64_t>() < 0)
      throw BadRequest("Field 'server.id' must be a non-negative integer");
    e.server_id = s["id"].get<int64_t>();
  }
  e.host = requireString(s, "host");
  if (e.host.empty() || e.host.size() > 253 || e.host.find_first_of(" /\\@?#\r\n\t") != std::string::npos)
    throw BadRequest("Field 'server.host' must be a hostname or IP address (no scheme, path or spaces): "
                     "set the server's Hostname or IP Address in WHMCS");
  auto flag = [&](const char* name, bool fallback) {
    if (!s.contains(name)) return fallback;
    if (!s[name].is_boolean()) throw BadRequest(std::string("Field 'server.") + name + "' must be true or false");
    return s[name].get<bool>();
  };
  e.https = flag("secure", true);
  e.verify_tls = flag("verify_tls", true);
  e.port = e.https ? 5001 : 5000;
  if (s.contains("port") && !s["port"].is_null()) {
    // Range-checked as int64_t: get<int>() wrapped 4294968297 around to port 1001 (found by fuzzing).
    if (!s["port"].is_number_integer() || s["port"].get<int64_t>() < 1 || s["port"].get<int64_t>() > 65535)
      throw BadRequest("Field 'server.port' must be a port number from 1 to 65535");
    e.port = static_cast<int>(s["port"].get<int64_t>());
  }
  e.username = requireString(s, "username");
  e.password = requireString(s, "password");
  if (e.username.empty() || e.password.empty())
    throw BadRequest("The server has no DSM username or password: set them on the server in WHMCS",
                     "server_credentials_missing");
  puq::log::registerSecret(e.password);  // from here on it is masked in every log line
  e.ca_file = dsm.ca_file;
  e.connect_timeout_ms = dsm.connect_timeout_ms;
  e.timeout_ms = dsm.timeout_ms;
  return e;
}

}  // namespace puq::api
