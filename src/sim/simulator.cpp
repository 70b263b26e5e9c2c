// Transport: the HTTP and HTTPS listeners, the /webapi/*.cgi routes, transport-level faults
// (latency, hang, HTTP status, non-JSON body, connection reset), and Simulator's lifecycle.
#include "puq/sim/simulator.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "api.hpp"
#include "control.hpp"
#include "core.hpp"
#include "tls_cert.hpp"

namespace puq::sim {

namespace {

namespace fs = std::filesystem;

// "a:1" / "[::1]:1" form of a socket address, compared with httplib's remote_addr/remote_port.
bool sockaddrMatches(const sockaddr_storage& ss, const std::string& addr, int port) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (ss.ss_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
    return ntohs(in->sin_port) == port && addr == buf;
  }
  if (ss.ss_family == AF_INET6) {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
    return ntohs(in6->sin6_port) == port && addr == buf;
  }
  return false;
}

int localPort(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return -1;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return -1;
}

// httplib 0.11 does not hand the socket to a handler. For HTTPS the SSL object knows it; for plain HTTP
// the accepted socket is found among this process's descriptors by its two endpoints.
int findConnectionSocket(const httplib::Request& req) {
  if (req.ssl) return SSL_get_fd(req.ssl);
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return -1;
  int found = -1;
  while (dirent* e = readdir(dir)) {
    int fd = std::atoi(e->d_name);
    if (fd <= 2 || fd == dirfd(dir)) continue;
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    if (localPort(fd) == req.local_port && sockaddrMatches(peer, req.remote_addr, req.remote_port)) {
      found = fd;
      break;
    }
  }
  closedir(dir);
  return found;
}

// Drops the connection without an answer: the client sees a TCP reset. The descriptor number stays
// owned by httplib (now pointing at /dev/null, where its response write fails or vanishes harmlessly),
// so there is no double close; SO_LINGER 0 turns the socket's last close into an RST.
bool resetConnection(const httplib::Request& req) {
  int fd = findConnectionSocket(req);
  if (fd < 0) return false;
  linger lg{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0) return false;
  bool ok = ::dup2(devnull, fd) >= 0;
  ::close(devnull);
  return ok;
}

std::string cookieValue(const httplib::Request& req, const std::string& name) {
  const std::string header = req.get_header_value("Cookie");
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string part = header.substr(pos, end - pos);
    size_t b = part.find_first_not_of(' ');
    if (b != std::string::npos) part = part.substr(b);
    if (part.compare(0, name.size() + 1, name + "=") == 0) return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
}

// Query string and form body together; a key in both takes the body's value (httplib appends the
// form fields after the query's).
CallInput callFromHttp(const httplib::Request& req, const std::string& cgi, const std::string& api_in_path) {
  std::map<std::string, std::string> values;
  for (const auto& [key, value] : req.params) values[key] = value;
  CallInput in;
  in.cgi = cgi;
  in.raw_strings = true;
  for (auto& [key, value] : values) {
    if (key == "api") in.api = value;
    else if (key == "method") in.method = value;
    else if (key == "version") in.version = Json(value);
    else if (key == "_sid") in.sid = value;
    else if (key == "SynoToken") in.synotoken = value;
    else in.params[key] = value;
  }
  if (!api_in_path.empty() && !in.api) in.api = api_in_path;  // POST /webapi/entry.cgi/<API name>
  if (in.sid.empty()) in.sid = cookieValue(req, "id");
  if (req.has_header("X-SYNO-TOKEN")) in.synotoken = req.get_header_value("X-SYNO-TOKEN");
  return in;
}

const char* kNginxErrorPage =
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
    "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

}  // namespace

struct Simulator::Impl {
  Options options;
  std::unique_ptr<Core> core;
  std::unique_ptr<WebApi> webapi;
  std::unique_ptr<httplib::Server> http;
  std::unique_ptr<httplib::SSLServer> https;
  std::thread http_thread, https_thread;
  int http_port = -1, https_port = -1;
  TlsFiles tls;
  std::string temp_tls_dir;  // removed at stop when we created it
  bool started = false, stopped = false;

  void serveWebApi(const httplib::Request& req, httplib::Response& res, const std::string& cgi,
                   const std::string& api_in_path);
  void configure(httplib::Server& server, bool with_control);
  int bindServer(httplib::Server& server, int port, const char* what);
};

void Simulator::Impl::serveWebApi(const httplib::Request& req, httplib::Response& res, const std::string& cgi,
                                  const std::string& api_in_path) {
  double delay_ms = 0;
  bool reset = false, not_json = false;
  int http_status = 0;
  {
    std::lock_guard<std::mutex> lock(core->mu);
    Faults& f = core->faults;
    core->stats.requests++;
    delay_ms = f.latency_ms;
    if (f.hang_count > 0) f.hang_count--, delay_ms += f.hang_ms;
    if (f.reset_connection_count > 0) f.reset_connection_count--, reset = true;
    else if (f.http_status_count > 0) f.http_status_count--, http_status = f.http_status;
    else if (f.not_json_count > 0) f.not_json_count--, not_json = true;
  }
  core->sleepFor(delay_ms);
  if (reset) {
    if (!resetConnection(req)) spdlog::warn("dsm-sim: could not find the socket to reset");
    res.status = 500;
    return;
  }
  if (http_status) {
    res.status = http_status;
    res.set_content(kNginxErrorPage, "text/html");
    return;
  }
  if (not_json) {  // what a reverse proxy or a captive portal answers with status 200
    res.status = 200;
    res.set_content("<!DOCTYPE html><html><head><title>Synology</title></head><body>Loading…</body></html>",
                    "text/html");
    return;
  }
  CallResult r = webapi->call(callFromHttp(req, cgi, api_in_path));
  for (const auto& [k, v] : r.headers) res.set_header(k.c_str(), v);
  res.status = 200;  // DSM answers API errors with HTTP 200 too (dsm-api.md §2)
  res.set_content(r.body.dump(-1, ' ', false, Json::error_handler_t::replace), "application/json; charset=utf-8");
}

void Simulator::Impl::configure(httplib::Server& server, bool with_control) {
  const size_t threads = static_cast<size_t>(std::max(1, options.threads));
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(16 * 1024 * 1024);
  server.set_tcp_nodelay(true);  // as a NAS's nginx does; avoids Nagle + delayed-ACK stalls
  server.set_keep_alive_max_count(1000);  // httplib's default of 5 would force a TLS handshake every 5 calls
  server.set_keep_alive_timeout(2);  // short, so that stop() never waits long for idle clients
  server.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    spdlog::error("dsm-sim: {} {} failed: {}", req.method, req.path, what);
    res.status = 500;
    res.set_content("internal simulator error", "text/plain");
  });
  server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    spdlog::debug("dsm-sim: {} {} -> {}", req.method, req.path, res.status);
  });
  for (const char* cgi : {"query.cgi", "entry.cgi", "auth.cgi"}) {
    std::string pattern = std::string("/webapi/") + cgi;
    auto handler = [this, cgi](const httplib::Request& req, httplib::Response& res) {
      serveWebApi(req, res, cgi, "");
    };
    server.Get(pattern, handler);
    server.Post(pattern, handler);
  }
  auto by_path = [this](const httplib::Request& req, httplib::Response& res) {
    serveWebApi(req, res, "entry.cgi", req.matches[1].str());
  };
  server.Get(R"(/webapi/entry\.cgi/([A-Za-z0-9_.]+))", by_path);
  server.Post(R"(/webapi/entry\.cgi/([A-Za-z0-9_.]+))", by_path);
  if (with_control) registerControlRoutes(server, *core);
}

int Simulator::Impl::bindServer(httplib::Server& server, int port, const char* what) {
  if (port == 0) {
    int bound = server.bind_to_any_port(options.bind);
    if (bound <= 0) throw std::runtime_error(std::string("dsm-sim: cannot bind ") + what + " on " + options.bind);
    return bound;
  }
  if (!server.bind_to_port(options.bind, port))
    throw std::runtime_error(std::string("dsm-sim: cannot bind ") + what + " on " + options.bind + ":" +
                             std::to_string(port));
  return port;
}

Simulator::Simulator(Options options) : impl_(std::make_unique<Impl>()) { impl_->options = std::move(options); }

Simulator::~Simulator() {
  try {
    stop();
  } catch (...) {
  }
}

void Simulator::start() {
  Impl& d = *impl_;
  if (d.started) throw std::runtime_error("dsm-sim: start() called twice");
  if (d.options.profile != "dsm7" && d.options.profile != "dsm6")
    throw std::runtime_error("dsm-sim: unknown profile " + d.options.profile);
  d.started = true;
  // A client that drops a connection mid-response must not kill the process with SIGPIPE
  // (httplib 0.11 sends without MSG_NOSIGNAL). This is process-wide, hence documented.
  std::signal(SIGPIPE, SIG_IGN);

  d.core = std::make_unique<Core>(d.options);
  d.webapi = std::make_unique<WebApi>(*d.core);
  {
    std::lock_guard<std::mutex> lock(d.core->mu);
    d.core->persistLocked();
  }

  if (d.options.http_port != -1) {
    d.http = std::make_unique<httplib::Server>();
    d.configure(*d.http, true);
    d.http_port = d.bindServer(*d.http, d.options.http_port, "HTTP");
  }
  if (d.options.https_port != -1) {
    std::string dir = d.options.tls_dir;
    if (dir.empty()) {
      std::string tmpl = (fs::temp_directory_path() / "dsm-sim-tls-XXXXXX").string();
      if (!mkdtemp(tmpl.data())) throw std::runtime_error("dsm-sim: cannot create a temp dir for TLS");
      dir = d.temp_tls_dir = tmpl;
    }
    d.tls = ensureSelfSignedCertificate(dir);
    d.https = std::make_unique<httplib::SSLServer>(d.tls.cert_path.c_str(), d.tls.key_path.c_str());
    if (!d.https->is_valid()) throw std::runtime_error("dsm-sim: the HTTPS server rejected the certificate");
    d.configure(*d.https, false);  // control stays on plain HTTP (test/demo only)
    d.https_port = d.bindServer(*d.https, d.options.https_port, "HTTPS");
  }
  if (d.http) d.http_thread = std::thread([&d] { d.http->listen_after_bind(); });
  if (d.https) d.https_thread = std::thread([&d] { d.https->listen_after_bind(); });
  // stop() only reaches a server that is already running, so wait for both accept loops.
  for (int i = 0; i < 5000; ++i) {
    if ((!d.http || d.http->is_running()) && (!d.https || d.https->is_running())) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  spdlog::info("dsm-sim: profile {}, HTTP port {}, HTTPS port {}", d.options.profile, d.http_port, d.https_port);
}

void Simulator::stop() {
  Impl& d = *impl_;
  if (!d.started || d.stopped || !d.core) return;
  d.stopped = true;
  d.core->beginStop();  // wake handlers sleeping on latency or hang faults
  if (d.http) d.http->stop();
  if (d.https) d.https->stop();
  if (d.http_thread.joinable()) d.http_thread.join();
  if (d.https_thread.joinable()) d.https_thread.join();
  {
    std::lock_guard<std::mutex> lock(d.core->mu);
    d.core->persistLocked();
  }
  if (!d.temp_tls_dir.empty()) {
    std::error_code ec;
    fs::remove_all(d.temp_tls_dir, ec);
  }
}

int Simulator::httpPort() const { return impl_->http_port; }
int Simulator::httpsPort() const { return impl_->https_port; }
std::string Simulator::certificatePath() const { return impl_->tls.cert_path; }

Stats Simulator::stats() const {
  if (!impl_->core) return Stats{};
  std::lock_guard<std::mutex> lock(impl_->core->mu);
  return impl_->core->stats;
}

}  // namespace puq::sim
