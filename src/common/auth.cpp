// HMAC request authentication (docs/api.md) with replay protection.
#include "puq/common/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <chrono>
#include <stdexcept>

namespace puq {
namespace {

constexpr size_t kNonceMinLength = 16;
constexpr size_t kNonceMaxLength = 64;
constexpr size_t kSignatureHexLength = 64;  // SHA-256 = 32 bytes
constexpr size_t kTimestampMaxDigits = 18;  // keeps the value and window arithmetic inside int64_t

bool isAlphanumeric(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool isWellFormedNonce(const std::string& nonce) {
  if (nonce.size() < kNonceMinLength || nonce.size() > kNonceMaxLength) return false;
  for (char c : nonce)
    if (!isAlphanumeric(c)) return false;
  return true;
}

bool isWellFormedSignature(const std::string& signature) {
  if (signature.size() != kSignatureHexLength) return false;
  for (char c : signature)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool parseTimestamp(const std::string& text, int64_t& out) {
  if (text.empty() || text.size() > kTimestampMaxDigits) return false;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

}  // namespace

std::string hmacSha256Hex(const std::string& key, const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
            data.size(), digest, &length))
    throw std::runtime_error("HMAC-SHA256 failed");
  static const char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0x0F];
  }
  return out;
}

std::string signRequest(const std::string& secret, const std::string& timestamp, const std::string& nonce,
                        const std::string& method, const std::string& path, const std::string& body) {
  std::string canonical;
  canonical.reserve(timestamp.size() + nonce.size() + method.size() + path.size() + body.size() + 4);
  canonical.append(timestamp).append(1, '\n').append(nonce).append(1, '\n').append(method).append(1, '\n');
  canonical.append(path).append(1, '\n').append(body);
  return hmacSha256Hex(secret, canonical);
}

bool constantTimeEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) {
    // Still do the work of a comparison, so timing reveals the length only.
    volatile int sink = CRYPTO_memcmp(a.data(), a.data(), a.size());
    (void)sink;
    return false;
  }
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string randomNonce() {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  constexpr unsigned kAlphabetSize = sizeof(alphabet) - 1;  // 62
  constexpr unsigned kUnbiasedLimit = 256 - 256 % kAlphabetSize;  // reject bytes >= 248: no modulo bias
  std::string nonce;
  while (nonce.size() < 32) {
    unsigned char bytes[48];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
    for (unsigned char b : bytes)
      if (b < kUnbiasedLimit && nonce.size() < 32) nonce += alphabet[b % kAlphabetSize];
  }
  return nonce;
}

int64_t systemNow() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

RequestVerifier::RequestVerifier(std::string secret, int window_seconds, std::function<int64_t()> now_seconds,
                                 std::size_t max_nonces)
    : secret_(std::move(secret)),
      window_seconds_(window_seconds),
      now_seconds_(now_seconds ? std::move(now_seconds) : std::function<int64_t()>(systemNow)),
      max_nonces_(max_nonces) {}

std::optional<std::string> RequestVerifier::verify(const std::string& timestamp, const std::string& nonce,
                                                   const std::string& signature, const std::string& method,
                                                   const std::string& path, const std::string& body) {
  // 1. Format: cheap checks before any cryptography.
  if (timestamp.empty()) return std::string("missing X-Puq-Timestamp");
  if (nonce.empty()) return std::string("missing X-Puq-Nonce");
  if (signature.empty()) return std::string("missing X-Puq-Signature");
  int64_t request_time = 0;
  if (!parseTimestamp(timestamp, request_time)) return std::string("malformed timestamp");
  if (!isWellFormedNonce(nonce)) return std::string("malformed nonce");
  if (!isWellFormedSignature(signature)) return std::string("malformed signature");

  // 2. Window.
  const int64_t now = now_seconds_();
  const int64_t skew = request_time - now;
  if (skew < -window_seconds_ || skew > window_seconds_)
    return "timestamp outside the " + std::to_string(window_seconds_) + " s window (" +
           std::to_string(skew < 0 ? -skew : skew) + " s " + (skew < 0 ? "behind" : "ahead of") +
           " the daemon's clock)";

  // 3. Signature, in constant time.
  if (!constantTimeEquals(signRequest(secret_, timestamp, nonce, method, path, body), signature))
    return std::string("bad signature");

  // 4. Nonce: only authentic requests reach the cache.
  std::lock_guard<std::mutex> lock(mutex_);
  pruneExpiredLocked(now);
  if (nonce_expiry_.count(nonce)) return std::string("replayed nonce");
  if (nonce_expiry_.size() >= max_nonces_) return std::string("nonce cache full");
  // The request could be accepted again until its timestamp leaves the window: remember it that long.
  const int64_t expiry = request_time + window_seconds_;
  nonce_expiry_.emplace(nonce, expiry);
  expiry_order_.emplace(expiry, nonce);
  return std::nullopt;
}

std::size_t RequestVerifier::rememberedNonces() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return nonce_expiry_.size();
}

void RequestVerifier::pruneExpiredLocked(int64_t now) {
  while (!expiry_order_.empty() && expiry_order_.top().first < now) {
    nonce_expiry_.erase(expiry_order_.top().second);
    expiry_order_.pop();
  }
}

}  // namespace puq
