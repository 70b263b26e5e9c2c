// Fuzz target "request": what the daemon does with an untrusted request before a handler runs.
//
// Input: BODY [ '\0' TIMESTAMP '\0' NONCE '\0' SIGNATURE '\0' METHOD '\0' PATH ]
//  - BODY is decoded exactly as the API wrapper does (src/api/server.cpp): a non-throwing
//    nlohmann::json::parse, then the field validators of include/puq/api/server.hpp (requireServer,
//    requireId, requireString). puq::BadRequest is the only exception allowed to escape them; anything
//    else (or a crash) would reach the wrapper's "internal_error" path, which is a bug. What they accept
//    must match the request exactly (a port that is not the one sent, a host with a path, ...).
//  - The header fields go to a RequestVerifier (include/puq/common/auth.hpp): it must never accept a
//    signature other than the true HMAC, must accept a correctly signed fresh request inside the window,
//    and must refuse its replay.
//  - The decoded DSM password is registered for log redaction (as requireServer does); a log line holding
//    the body must then not contain it.
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "puq/api/server.hpp"
#include "puq/common/auth.hpp"
#include "puq/common/error.hpp"
#include "puq/common/log.hpp"

namespace {

using nlohmann::json;

constexpr int64_t kNow = 1700000000;
constexpr int kWindow = 300;
const std::string kSecret = "fuzz-secret-0123456789abcdef0123456789abcdef";

std::vector<std::string> splitNul(const std::string& s) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t nul = s.find('\0', start);
    parts.push_back(s.substr(start, nul == std::string::npos ? std::string::npos : nul - start));
    if (nul == std::string::npos) break;
    start = nul + 1;
  }
  return parts;
}

// The documented header formats (docs/api.md), written independently of src/common/auth.cpp.
bool wellFormedTimestamp(const std::string& t, int64_t& value) {
  if (t.empty() || t.size() > 18) return false;
  value = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return true;
}
bool wellFormedNonce(const std::string& n) {
  if (n.size() < 16 || n.size() > 64) return false;
  for (char c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

void checkVerifier(const std::string& body, const std::vector<std::string>& h) {
  const std::string ts = h.size() > 1 ? h[1] : "";
  const std::string nonce = h.size() > 2 ? h[2] : "";
  const std::string sig = h.size() > 3 ? h[3] : "";
  const std::string method = h.size() > 4 ? h[4] : "POST";
  const std::string path = h.size() > 5 ? h[5] : "/v1/account/create";
  const std::string truth = puq::signRequest(kSecret, ts, nonce, method, path, body);

  // 1. The headers as sent: acceptance only for the true signature.
  {
    puq::RequestVerifier verifier(kSecret, kWindow, [] { return kNow; }, 4);
    auto refusal = verifier.verify(ts, nonce, sig, method, path, body);
    if (!refusal) {
      FUZZ_CHECK(sig == truth);
      FUZZ_CHECK(verifier.verify(ts, nonce, sig, method, path, body) == std::string("replayed nonce"));
    }
  }
  // 2. The same request correctly signed: accepted exactly when the format and the window are right.
  {
    puq::RequestVerifier verifier(kSecret, kWindow, [] { return kNow; }, 4);
    int64_t when = 0;
    const bool valid = !ts.empty() && wellFormedTimestamp(ts, when) && wellFormedNonce(nonce) &&
                       when >= kNow - kWindow && when <= kNow + kWindow;
    auto refusal = verifier.verify(ts, nonce, truth, method, path, body);
    FUZZ_CHECK(refusal.has_value() != valid);
    if (valid) {
      FUZZ_CHECK(verifier.verify(ts, nonce, truth, method, path, body) == std::string("replayed nonce"));
      // Another body under the same signature is a forgery.
      FUZZ_CHECK(verifier.verify(ts, nonce, truth, method, path, body + "x") == std::string("bad signature"));
      FUZZ_CHECK(verifier.rememberedNonces() == 1);
    }
  }
}

void checkServer(const json& body) {
  puq::DsmSettings dsm;
  dsm.ca_file = "/etc/puq-synologyd/nas-ca.pem";
  try {
    const auto e = puq::api::requireServer(body, dsm);
    const json& s = body.at("server");
    FUZZ_CHECK(s.is_object());
    FUZZ_CHECK(!e.host.empty() && e.host.size() <= 253);
    FUZZ_CHECK(e.host.find_first_of(" /\\@?#\r\n\t") == std::string::npos);
    FUZZ_CHECK(json(e.host) == s.at("host"));
    FUZZ_CHECK(e.port >= 1 && e.port <= 65535);
    if (s.contains("port") && !s.at("port").is_null())
      FUZZ_CHECK(json(e.port) == s.at("port"));  // exactly the port sent, never a wrapped-around value
    else
      FUZZ_CHECK(e.port == (e.https ? 5001 : 5000));
    FUZZ_CHECK(e.server_id >= 0);
    if (s.contains("id")) FUZZ_CHECK(json(e.server_id) == s.at("id"));
    FUZZ_CHECK(!e.username.empty() && !e.password.empty());
    FUZZ_CHECK(json(e.username) == s.at("username") && json(e.password) == s.at("password"));
    FUZZ_CHECK(e.ca_file == dsm.ca_file && e.timeout_ms == dsm.timeout_ms);
  } catch (const puq::BadRequest& e) {
    FUZZ_CHECK(e.httpStatus() == 400 && !e.code().empty());
  }
}

void checkId(const json& body, const char* field) {
  try {
    const int64_t id = puq::api::requireId(body, field);
    FUZZ_CHECK(id > 0);
    FUZZ_CHECK(json(id) == body.at(field));
  } catch (const puq::BadRequest&) {
  }
}

void checkString(const json& body, const char* field) {
  try {
    const std::string value = puq::api::requireString(body, field);
    FUZZ_CHECK(json(value) == body.at(field));
  } catch (const puq::BadRequest&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string> parts = splitNul(input);
  const std::string& body_text = parts[0];

  checkVerifier(body_text, parts);

  puq::log::clearRegisteredSecrets();
  const json body = json::parse(body_text, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) return 0;  // the wrapper answers 400 itself
  checkServer(body);
  checkId(body, "service_id");
  checkId(body, "id");
  checkString(body, "password");
  checkString(body, "result");

  // requireServer registered the password: a log line quoting the body must not show it.
  const json* server = body.contains("server") && body["server"].is_object() ? &body["server"] : nullptr;
  if (server && server->contains("password") && (*server)["password"].is_string()) {
    const std::string password = (*server)["password"].get<std::string>();
    puq::log::registerSecret(password);
    const std::string line = puq::log::redact("request body: " + body_text);
    if (password.size() >= puq::log::kMinSecretLength && password.find('*') == std::string::npos)
      FUZZ_CHECK(line.find(password) == std::string::npos);
  }
  return 0;
}
