#pragma once
// A tiny DSM stand-in on a free local port that the wire-level tests fully control: it records every
// request as it arrived and answers through a handler the test sets. Used for what the simulator
// cannot do on purpose (HTML answers, a query.cgi 404, byte-level checks of the encoding).
#include <httplib.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace puq::dsm::test {

struct SeenRequest {
  std::string http_method;
  std::string target;  // path plus query string, as on the request line
  std::string path;
  std::string body;                         // raw (URL-encoded) body
  std::map<std::string, std::string> form;  // decoded form fields
  httplib::Headers headers;
  int remote_port = 0;

  std::string field(const std::string& key) const {
    auto it = form.find(key);
    return it == form.end() ? std::string() : it->second;
  }
};

// Decodes application/x-www-form-urlencoded text.
std::map<std::string, std::string> decodeForm(const std::string& body);

std::string fixture(const std::string& name);  // tests/fixtures/dsm/<name>

// A self-signed certificate (CA:true) for `names` (DNS or IP SANs), written as PEM into a temp dir.
// The files are removed when the last copy goes away.
struct TestCertificate {
  std::string cert_path;
  std::string key_path;
  std::shared_ptr<void> cleanup;
};
TestCertificate makeSelfSignedCertificate(const std::vector<std::string>& dns_names,
                                          const std::vector<std::string>& ip_addresses);

class FakeNas {
 public:
  static constexpr const char* kUser = "admin1";
  static constexpr const char* kPassword = "Secr3t-Pa55word";
  static constexpr const char* kSid = "SID-4f8a0c2e9b7d";
  static constexpr const char* kToken = "TOKEN-77aa19cd";

  // Answers one request; return true when handled (else the default DSM-like behaviour answers).
  using Handler = std::function<bool(const SeenRequest&, httplib::Response&)>;

  // HTTPS when a certificate is given, plain HTTP otherwise.
  explicit FakeNas(const TestCertificate* tls = nullptr);
  ~FakeNas();

  int port() const { return port_; }
  void setHandler(Handler handler);
  // The SYNO.API.Info answer (defaults to fixture api.info.query.dsm7.subset.json).
  void setInfo(nlohmann::json info);
  std::vector<SeenRequest> requests() const;
  size_t count(const std::string& api, const std::string& method) const;
  int logins() const { return static_cast<int>(count("SYNO.API.Auth", "login")); }

  static void reply(httplib::Response& res, const nlohmann::json& body);

 private:
  void serve(const httplib::Request& req, httplib::Response& res);

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::vector<SeenRequest> requests_;
  Handler handler_;
  nlohmann::json info_;
};

// A local port that refuses connections (bound, then closed).
int closedPort();

}  // namespace puq::dsm::test
