#include "transport.hpp"

#include <httplib.h>
#include <netdb.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "puq/common/metrics.hpp"

namespace puq::dsm::detail {

namespace {

// Idle keep-alive connections older than this are closed instead of reused: a server that already
// closed its end makes the next request fail with a read error that looks like "not DSM".
constexpr auto kMaxIdle = std::chrono::milliseconds(1500);

// A failure this close to the read timeout is the timeout (httplib 0.11 reports both as Error::Read).
constexpr double kTimeoutSlack = 0.9;

// Where the system's trusted CAs are read from for a new TLS connection. Left to httplib, every new
// connection loads the whole CA bundle (about 140 certificates: ~1 MB kept per connection, and the
// parse on every connect). The hashed directory (/etc/ssl/certs on Debian, c_rehash links kept by
// update-ca-certificates) is read lazily: only the CA that signed the NAS's chain is loaded. Without
// hash links (a trimmed image), the bundle file it is.
struct SystemTrust {
  std::string file, dir;
};

const SystemTrust& systemTrust() {
  static const SystemTrust trust = [] {
    SystemTrust t;
    const char* dir = X509_get_default_cert_dir();
    bool hashed = false;
    if (dir != nullptr) {
      std::error_code ec;
      for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        // "<8 hex digits>.<n>": a subject-hash link.
        if (name.size() >= 10 && name[8] == '.' &&
            std::all_of(name.begin(), name.begin() + 8, [](unsigned char c) { return std::isxdigit(c); })) {
          hashed = true;
          break;
        }
      }
    }
    if (hashed)
      t.dir = dir;
    else if (const char* file = X509_get_default_cert_file())
      t.file = file;
    return t;
  }();
  return trust;
}

void setTimeout(httplib::ClientImpl& connection, void (httplib::ClientImpl::*setter)(time_t, time_t), int ms) {
  if (ms <= 0) ms = 1;
  (connection.*setter)(ms / 1000, (ms % 1000) * 1000);
}

bool hostResolves(const std::string& host) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &result);
  if (result != nullptr) freeaddrinfo(result);
  return rc == 0;
}

std::string unreachableMessage(const Endpoint& ep, const std::string& reason) {
  return "Cannot reach the NAS at " + ep.baseUrl() + ": " + reason +
         ". Check the hostname and port of the server in WHMCS.";
}

std::string notDsmMessage(const Endpoint& ep, const std::string& what) {
  return "The NAS at " + ep.baseUrl() + " " + what +
         ": this does not look like DSM: wrong port or SSL setting? Check the port and the SSL option "
         "of the server in WHMCS (DSM serves HTTP on 5000 and HTTPS on 5001 by default).";
}

std::string timeoutMessage(const Endpoint& ep, const std::string& phase, int ms) {
  return "The NAS at " + ep.baseUrl() + " did not answer in time (" + phase + " timeout " + std::to_string(ms) +
         " ms). Check that the NAS is up and not overloaded.";
}

std::string untrustedMessage(const Endpoint& ep, const std::string& reason) {
  return "The TLS certificate of the NAS at " + ep.baseUrl() + " is not trusted (" + reason +
         "). Install a trusted certificate on the NAS (Control Panel > Security > Certificate), or add "
         "the line verify_tls=0 to the server's Access Hash in WHMCS to opt out for this server.";
}

[[noreturn]] void throwTransportError(const Endpoint& ep, httplib::Error error, httplib::ClientImpl& connection,
                                      double elapsed_ms) {
  switch (error) {
    case httplib::Error::Connection:
      if (!hostResolves(ep.host)) {
        throw DsmError("dsm_unreachable", unreachableMessage(ep, "the hostname does not resolve (DNS)"));
      }
      throw DsmError("dsm_unreachable", unreachableMessage(ep, "connection refused or host unreachable"));
    case httplib::Error::ConnectionTimeout:
      throw DsmError("dsm_timeout", timeoutMessage(ep, "connect", ep.connect_timeout_ms));
    case httplib::Error::Read:
    case httplib::Error::Write:
      if (elapsed_ms >= kTimeoutSlack * ep.timeout_ms) {
        throw DsmError("dsm_timeout", timeoutMessage(ep, "read", ep.timeout_ms));
      }
      // No HTTP answer at all, quickly: typically plain HTTP sent to the HTTPS port.
      throw DsmError("dsm_protocol", notDsmMessage(ep, "closed the connection without an HTTP answer"));
    case httplib::Error::SSLConnection:
      if (elapsed_ms >= kTimeoutSlack * ep.connect_timeout_ms) {
        throw DsmError("dsm_timeout", timeoutMessage(ep, "TLS handshake", ep.connect_timeout_ms));
      }
      throw DsmError("dsm_tls", "The TLS handshake with the NAS at " + ep.baseUrl() + " failed: is port " +
                                    std::to_string(ep.port) +
                                    " the HTTPS port of DSM (5001 by default)? Check the port and the SSL "
                                    "option of the server in WHMCS.");
    case httplib::Error::SSLServerVerification: {
      long verify_result = X509_V_OK;
      if (auto* ssl = dynamic_cast<httplib::SSLClient*>(&connection)) {
        verify_result = ssl->get_openssl_verify_result();
      }
      const std::string reason = verify_result != X509_V_OK ? std::string(X509_verify_cert_error_string(verify_result))
                                                            : "the certificate was not issued for the name " + ep.host;
      throw DsmError("dsm_tls", untrustedMessage(ep, reason));
    }
    case httplib::Error::SSLLoadingCerts:
      throw DsmError("dsm_tls", "Cannot load the trusted CA certificates to check the NAS at " + ep.baseUrl() +
                                    (ep.ca_file.empty() ? std::string() : " (CA file " + ep.ca_file + ")") + ".");
    default:
      throw DsmError("dsm_unreachable", unreachableMessage(ep, httplib::to_string(error)));
  }
}

// The value of `key` in an application/x-www-form-urlencoded body, as sent (DSM API and method names
// need no encoding). Only [A-Za-z0-9._] and at most 64 characters, so a metric label stays bounded.
std::string formField(const std::string& body, const std::string& key) {
  size_t pos = 0;
  while (pos <= body.size()) {
    const size_t end = std::min(body.find('&', pos), body.size());
    if (body.compare(pos, key.size() + 1, key + "=") == 0) {
      std::string value = body.substr(pos + key.size() + 1, end - pos - key.size() - 1);
      if (value.empty() || value.size() > 64) return "other";
      for (char c : value)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_') return "other";
      return value;
    }
    pos = end + 1;
  }
  return "unknown";
}

// Metrics of one DSM request (docs/operations.md): its duration by API and, for a login, its result.
void recordRequest(const std::string& form_body, double seconds, const HttpReply* reply) {
  auto& m = puq::metrics::standard();
  const std::string api = formField(form_body, "api");
  m.dsm_request_duration.observe({api}, seconds);
  if (api != "SYNO.API.Auth" || formField(form_body, "method") != "login") return;
  bool ok = false;
  if (reply != nullptr && reply->status == 200) {
    const auto body = nlohmann::json::parse(reply->body, nullptr, false);
    ok = body.is_object() && body.value("success", false) == true;
  }
  m.dsm_logins.inc({ok ? "ok" : "failed"});
}

}  // namespace

Transport::Transport(const Endpoint& endpoint, size_t max_idle_connections)
    : endpoint_(endpoint), max_idle_(max_idle_connections) {
  endpoint_.username.clear();
  endpoint_.password.clear();
  // A NAS that drops a connection mid-write must give an error, not kill the daemon. OpenSSL writes
  // with plain write(), which raises SIGPIPE; the process never wants that signal.
  static std::once_flag ignore_sigpipe;
  std::call_once(ignore_sigpipe, [] { std::signal(SIGPIPE, SIG_IGN); });
}

Transport::~Transport() = default;

std::unique_ptr<httplib::ClientImpl> Transport::connect() const {
  std::unique_ptr<httplib::ClientImpl> connection;
  if (endpoint_.https) {
    auto ssl = std::make_unique<httplib::SSLClient>(endpoint_.host, endpoint_.port);
    ssl->enable_server_certificate_verification(endpoint_.verify_tls);
    if (endpoint_.verify_tls) ssl->set_ca_cert_path(systemTrust().file, systemTrust().dir);
    if (endpoint_.verify_tls && !endpoint_.ca_file.empty()) {
      // Added to the context's store: httplib still loads the system CAs next to it.
      if (SSL_CTX_load_verify_locations(ssl->ssl_context(), endpoint_.ca_file.c_str(), nullptr) != 1) {
        throw DsmError("dsm_tls", "Cannot read the CA file " + endpoint_.ca_file + " configured for the NAS at " +
                                      endpoint_.baseUrl() + ": it must be a readable PEM file.");
      }
    }
    connection = std::move(ssl);
  } else {
    connection = std::make_unique<httplib::ClientImpl>(endpoint_.host, endpoint_.port);
  }
  setTimeout(*connection, &httplib::ClientImpl::set_connection_timeout, endpoint_.connect_timeout_ms);
  setTimeout(*connection, &httplib::ClientImpl::set_read_timeout, endpoint_.timeout_ms);
  setTimeout(*connection, &httplib::ClientImpl::set_write_timeout, endpoint_.timeout_ms);
  connection->set_keep_alive(true);
  // Small request/response pairs on a kept-alive connection: without this, Nagle's algorithm and the
  // peer's delayed ACK add ~40 ms to each DSM call.
  connection->set_tcp_nodelay(true);
  connection->set_follow_location(false);  // a redirect is not DSM's API answering
  return connection;
}

std::unique_ptr<httplib::ClientImpl> Transport::acquire() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    while (!idle_.empty()) {
      Idle idle = std::move(idle_.back());
      idle_.pop_back();
      if (now - idle.since < kMaxIdle) return std::move(idle.connection);
    }
  }
  return connect();
}

void Transport::release(std::unique_ptr<httplib::ClientImpl> connection) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back({std::move(connection), std::chrono::steady_clock::now()});
}

HttpReply Transport::postForm(const std::string& path, const std::string& form_body,
                              const std::vector<std::pair<std::string, std::string>>& headers) {
  std::unique_ptr<httplib::ClientImpl> connection = acquire();
  httplib::Headers http_headers;
  for (const auto& [name, value] : headers) http_headers.emplace(name, value);

  const auto start = std::chrono::steady_clock::now();
  httplib::Result result = connection->Post(path.c_str(), http_headers, form_body, "application/x-www-form-urlencoded");
  const double elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!result) {
    recordRequest(form_body, elapsed_ms / 1000.0, nullptr);
    throwTransportError(endpoint_, result.error(), *connection, elapsed_ms);  // the connection is dropped
  }
  HttpReply reply{result->status, std::move(result->body), result->get_header_value("Content-Type")};
  recordRequest(form_body, elapsed_ms / 1000.0, &reply);
  release(std::move(connection));
  return reply;
}

}  // namespace puq::dsm::detail
