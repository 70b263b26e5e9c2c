#include "fake_nas.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace puq::dsm::test {

using nlohmann::json;

std::map<std::string, std::string> decodeForm(const std::string& body) {
  auto decode = [](const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        out += ' ';
      } else if (s[i] == '%' && i + 2 < s.size()) {
        out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        out += s[i];
      }
    }
    return out;
  };
  std::map<std::string, std::string> form;
  std::stringstream in(body);
  std::string pair;
  while (std::getline(in, pair, '&')) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos) {
      form[decode(pair)] = "";
    } else {
      form[decode(pair.substr(0, eq))] = decode(pair.substr(eq + 1));
    }
  }
  return form;
}

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(PUQ_SOURCE_DIR) + "/tests/fixtures/dsm/" + name);
  if (!in) throw std::runtime_error("missing fixture " + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

FakeNas::FakeNas(const TestCertificate* tls) : info_(json::parse(fixture("api.info.query.dsm7.subset.json"))) {
  if (tls != nullptr) {
    server_ = std::make_unique<httplib::SSLServer>(tls->cert_path.c_str(), tls->key_path.c_str());
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  auto handle = [this](const httplib::Request& req, httplib::Response& res) { serve(req, res); };
  server_->Post(".*", handle);
  server_->Get(".*", handle);
  port_ = server_->bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FakeNas::~FakeNas() {
  server_->stop();
  thread_.join();
}

void FakeNas::setHandler(Handler handler) {
  std::lock_guard<std::mutex> lock(mutex_);
  handler_ = std::move(handler);
}

void FakeNas::setInfo(json info) {
  std::lock_guard<std::mutex> lock(mutex_);
  info_ = std::move(info);
}

std::vector<SeenRequest> FakeNas::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

size_t FakeNas::count(const std::string& api, const std::string& method) const {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t n = 0;
  for (const auto& r : requests_) {
    if (r.field("api") == api && r.field("method") == method) ++n;
  }
  return n;
}

void FakeNas::reply(httplib::Response& res, const json& body) { res.set_content(body.dump(), "application/json"); }

void FakeNas::serve(const httplib::Request& req, httplib::Response& res) {
  SeenRequest seen;
  seen.http_method = req.method;
  seen.target = req.target;
  seen.path = req.path;
  seen.body = req.body;
  seen.form = decodeForm(req.body);
  seen.headers = req.headers;
  seen.remote_port = req.remote_port;
  Handler handler;
  json info;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(seen);
    handler = handler_;
    info = info_;
  }
  if (handler && handler(seen, res)) return;

  const std::string api = seen.field("api");
  const std::string method = seen.field("method");
  if (api == "SYNO.API.Info") return reply(res, info);
  if (api == "SYNO.API.Auth" && method == "login") {
    if (seen.field("account") == kUser && seen.field("passwd") == kPassword) {
      return reply(res,
                   {{"data", {{"is_portal_port", false}, {"sid", kSid}, {"synotoken", kToken}}}, {"success", true}});
    }
    return reply(res, {{"error", {{"code", 400}}}, {"success", false}});
  }
  if (seen.field("_sid") != kSid) return reply(res, {{"error", {{"code", 119}}}, {"success", false}});
  if (api == "SYNO.API.Auth" && method == "logout") return reply(res, {{"success", true}});
  reply(res, {{"data", json::object()}, {"success", true}});
}

TestCertificate makeSelfSignedCertificate(const std::vector<std::string>& dns_names,
                                          const std::vector<std::string>& ip_addresses) {
  char dir_template[] = "/tmp/puq-dsm-cert-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) throw std::runtime_error("mkdtemp failed");
  TestCertificate out{std::string(dir) + "/cert.pem", std::string(dir) + "/key.pem", nullptr};
  out.cleanup = std::shared_ptr<void>(nullptr, [cert = out.cert_path, key = out.key_path, d = std::string(dir)](void*) {
    std::remove(cert.c_str());
    std::remove(key.c_str());
    rmdir(d.c_str());
  });

  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 4242);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600L * 24);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("puq test NAS"), -1, -1,
                             0);
  X509_set_issuer_name(cert, name);

  std::string san;
  for (const auto& d : dns_names) san += (san.empty() ? "" : ",") + std::string("DNS:") + d;
  for (const auto& ip : ip_addresses) san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair<int, std::string>{NID_basic_constraints, "critical,CA:TRUE"},
                            std::pair<int, std::string>{NID_subject_alt_name, san}}) {
    if (value.empty()) continue;
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(cert, key, EVP_sha256());

  FILE* f = std::fopen(out.cert_path.c_str(), "w");
  PEM_write_X509(f, cert);
  std::fclose(f);
  f = std::fopen(out.key_path.c_str(), "w");
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

int closedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);  // never listened: connecting is refused
  return ntohs(addr.sin_port);
}

}  // namespace puq::dsm::test
