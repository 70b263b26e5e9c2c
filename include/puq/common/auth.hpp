#pragma once
// Request authentication exactly as docs/api.md specifies:
//   X-Puq-Signature = lower-case hex HMAC-SHA256(secret,
//       timestamp + "\n" + nonce + "\n" + METHOD + "\n" + path + "\n" + body)
// with X-Puq-Timestamp (Unix seconds) within the replay window and X-Puq-Nonce (16-64 [A-Za-z0-9])
// never seen before inside that window.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "puq/common/secrets.hpp"  // loadSecretFile: where the secret comes from

namespace puq {

// Lower-case hex HMAC-SHA256.
std::string hmacSha256Hex(const std::string& key, const std::string& data);

// The X-Puq-Signature value for a request (path without the query string, raw body).
std::string signRequest(const std::string& secret, const std::string& timestamp, const std::string& nonce,
                        const std::string& method, const std::string& path, const std::string& body);

// Compares in time that depends only on the lengths, never on where the contents differ.
bool constantTimeEquals(const std::string& a, const std::string& b);

// 32 random characters of [A-Za-z0-9] from the OpenSSL CSPRNG: a valid X-Puq-Nonce.
std::string randomNonce();

// Current Unix time in seconds (the default clock of RequestVerifier).
int64_t systemNow();

// Verifies the three headers of one request. Thread-safe: one instance serves every worker thread.
//
// Checks, in this order: header format -> timestamp window -> signature -> nonce. A nonce is recorded
// only after its signature was valid, so unsigned junk cannot fill the cache.
//
// Nonce cache: every accepted nonce is remembered until its timestamp leaves the window (after that
// the timestamp check refuses the request anyway). The cache holds at most max_nonces entries; when
// it is full, new requests are refused with "nonce cache full" instead of forgetting a nonce early,
// because forgetting would make a replay possible. The default (200000) allows ~660 requests/s
// sustained over a 300 s window, far above what one WHMCS installation sends.
class RequestVerifier {
 public:
  RequestVerifier(std::string secret, int window_seconds, std::function<int64_t()> now_seconds = systemNow,
                  std::size_t max_nonces = 200000);

  // nullopt when the request is authentic, else a short reason for the log (never containing the
  // secret or the signature): "missing X-Puq-Timestamp", "missing X-Puq-Nonce",
  // "missing X-Puq-Signature", "malformed timestamp", "malformed nonce", "malformed signature",
  // "timestamp outside the 300 s window", "bad signature", "replayed nonce", "nonce cache full".
  std::optional<std::string> verify(const std::string& timestamp, const std::string& nonce,
                                    const std::string& signature, const std::string& method,
                                    const std::string& path, const std::string& body);

  int windowSeconds() const { return window_seconds_; }
  std::size_t rememberedNonces() const;

 private:
  // Drops nonces whose timestamp has left the window. Caller holds mutex_.
  void pruneExpiredLocked(int64_t now);

  const std::string secret_;
  const int window_seconds_;
  const std::function<int64_t()> now_seconds_;
  const std::size_t max_nonces_;

  mutable std::mutex mutex_;
  std::unordered_map<std::string, int64_t> nonce_expiry_;  // nonce -> last second it could be accepted
  using ExpiryEntry = std::pair<int64_t, std::string>;
  std::priority_queue<ExpiryEntry, std::vector<ExpiryEntry>, std::greater<ExpiryEntry>> expiry_order_;
};

}  // namespace puq
