// HMAC request authentication and replay protection (docs/api.md).
#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <thread>

#include "puq/common/auth.hpp"

using namespace puq;

TEST_CASE("hmac: RFC 4231 test vectors for HMAC-SHA256", "[auth]") {
  // Test case 1
  CHECK(hmacSha256Hex(std::string(20, '\x0b'), "Hi There") ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2
  CHECK(hmacSha256Hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block size
  CHECK(hmacSha256Hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First") ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("signRequest: matches an independent computation", "[auth]") {
  // Computed with (one command line):
  //   printf '%s\n%s\n%s\n%s\n%s' 1700000000 AbCdEf0123456789XyZ0 POST /v1/account/create '{"service_id":42}'
  //   | openssl dgst -sha256 -hmac 'puq-test-secret-0123456789abcdefghij'
  CHECK(signRequest("puq-test-secret-0123456789abcdefghij", "1700000000", "AbCdEf0123456789XyZ0", "POST",
                    "/v1/account/create", R"({"service_id":42})") ==
        "2cc7758f0a180a4c8e07629aa53df4bfa3949a2151ae938bfdc2e5b714a21fc3");
  // A GET has an empty body, so the canonical string ends with "\n" after the path:
  //   printf '%s\n%s\n%s\n%s\n' 1700000000 AbCdEf0123456789XyZ0 GET /v1/health
  //   | openssl dgst -sha256 -hmac 'puq-test-secret-0123456789abcdefghij'
  CHECK(signRequest("puq-test-secret-0123456789abcdefghij", "1700000000", "AbCdEf0123456789XyZ0", "GET",
                    "/v1/health", "") == "433cf3d6f3e42d20d832fe27ec1d99bce4a982eefe22b117c89add5ef1095d04");
}

TEST_CASE("constantTimeEquals", "[auth]") {
  CHECK(constantTimeEquals("abc", "abc"));
  CHECK(constantTimeEquals("", ""));
  CHECK_FALSE(constantTimeEquals("abc", "abd"));
  CHECK_FALSE(constantTimeEquals("abc", "ab"));
  CHECK_FALSE(constantTimeEquals("", "a"));
  CHECK_FALSE(constantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST_CASE("randomNonce: 32 alphanumeric characters, different every time", "[auth]") {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string nonce = randomNonce();
    REQUIRE(nonce.size() == 32);
    for (char c : nonce) REQUIRE(std::isalnum(static_cast<unsigned char>(c)));
    seen.insert(nonce);
  }
  CHECK(seen.size() == 200);
}

namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef-test";
constexpr int64_t kNow = 1700000000;

struct SignedRequest {
  std::string timestamp, nonce, signature, method = "POST", path = "/v1/account/create",
                                           body = R"({"service_id":7})";
};

SignedRequest makeRequest(int64_t timestamp, std::string nonce = randomNonce()) {
  SignedRequest r;
  r.timestamp = std::to_string(timestamp);
  r.nonce = std::move(nonce);
  r.signature = signRequest(kSecret, r.timestamp, r.nonce, r.method, r.path, r.body);
  return r;
}

std::optional<std::string> verify(RequestVerifier& v, const SignedRequest& r) {
  return v.verify(r.timestamp, r.nonce, r.signature, r.method, r.path, r.body);
}

}  // namespace

TEST_CASE("RequestVerifier: a correctly signed request is accepted", "[auth]") {
  RequestVerifier verifier(kSecret, 300, [] { return kNow; });
  CHECK(verify(verifier, makeRequest(kNow)) == std::nullopt);
  CHECK(verify(verifier, makeRequest(kNow, std::string(16, 'a'))) == std::nullopt);  // shortest nonce
  CHECK(verify(verifier, makeRequest(kNow, std::string(64, 'Z'))) == std::nullopt);  // longest nonce
  auto get = makeRequest(kNow);
  get.method = "GET";
  get.path = "/v1/health";
  get.body = "";
  get.signature = signRequest(kSecret, get.timestamp, get.nonce, "GET", "/v1/health", "");
  CHECK(verify(verifier, get) == std::nullopt);
  CHECK(verifier.rememberedNonces() == 4);
}

TEST_CASE("RequestVerifier: missing and malformed headers", "[auth]") {
  RequestVerifier verifier(kSecret, 300, [] { return kNow; });
  const auto good = makeRequest(kNow);
  auto with = [&](std::string timestamp, std::string nonce, std::string signature) {
    return verifier.verify(timestamp, nonce, signature, good.method, good.path, good.body);
  };
  CHECK(with("", good.nonce, good.signature) == std::string("missing X-Puq-Timestamp"));
  CHECK(with(good.timestamp, "", good.signature) == std::string("missing X-Puq-Nonce"));
  CHECK(with(good.timestamp, good.nonce, "") == std::string("missing X-Puq-Signature"));
  CHECK(with("", "", "") == std::string("missing X-Puq-Timestamp"));

  CHECK(with("17000000o0", good.nonce, good.signature) == std::string("malformed timestamp"));
  CHECK(with("-1700000000", good.nonce, good.signature) == std::string("malformed timestamp"));
  CHECK(with(" 1700000000", good.nonce, good.signature) == std::string("malformed timestamp"));
  CHECK(with("1700000000.5", good.nonce, good.signature) == std::string("malformed timestamp"));
  CHECK(with("99999999999999999999999", good.nonce, good.signature) == std::string("malformed timestamp"));

  CHECK(with(good.timestamp, std::string(15, 'a'), good.signature) == std::string("malformed nonce"));
  CHECK(with(good.timestamp, std::string(65, 'a'), good.signature) == std::string("malformed nonce"));
  CHECK(with(good.timestamp, "abcdefghijklmnop-", good.signature) == std::string("malformed nonce"));
  CHECK(with(good.timestamp, "abcdefgh ijklmnop", good.signature) == std::string("malformed nonce"));

  CHECK(with(good.timestamp, good.nonce, good.signature.substr(1)) == std::string("malformed signature"));
  CHECK(with(good.timestamp, good.nonce, good.signature + "0") == std::string("malformed signature"));
  std::string upper = good.signature;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(with(good.timestamp, good.nonce, upper) == std::string("malformed signature"));  // docs: lower-case hex

  CHECK(verifier.rememberedNonces() == 0);
  CHECK(verify(verifier, good) == std::nullopt);  // the rejected attempts did not burn the nonce
}

TEST_CASE("RequestVerifier: any tampered part is a bad signature", "[auth]") {
  RequestVerifier verifier(kSecret, 300, [] { return kNow; });
  const auto good = makeRequest(kNow);

  auto tampered = good;
  tampered.signature[10] = tampered.signature[10] == 'a' ? 'b' : 'a';
  CHECK(verify(verifier, tampered) == std::string("bad signature"));

  tampered = good;
  tampered.body = R"({"service_id":8})";
  CHECK(verify(verifier, tampered) == std::string("bad signature"));

  tampered = good;
  tampered.path = "/v1/account/terminate";
  CHECK(verify(verifier, tampered) == std::string("bad signature"));

  tampered = good;
  tampered.method = "GET";
  CHECK(verify(verifier, tampered) == std::string("bad signature"));

  tampered = good;
  tampered.timestamp = std::to_string(kNow + 1);
  CHECK(verify(verifier, tampered) == std::string("bad signature"));

  tampered = good;
  tampered.nonce = randomNonce();
  CHECK(verify(verifier, tampered) == std::string("bad signature"));

  RequestVerifier other_secret(kSecret + "x", 300, [] { return kNow; });
  CHECK(verify(other_secret, good) == std::string("bad signature"));

  CHECK(verifier.rememberedNonces() == 0);  // unsigned junk never reaches the nonce cache
  CHECK(verify(verifier, good) == std::nullopt);
}

TEST_CASE("RequestVerifier: the timestamp must be inside the window", "[auth]") {
  RequestVerifier verifier(kSecret, 300, [] { return kNow; });
  CHECK(verify(verifier, makeRequest(kNow - 300)) == std::nullopt);
  CHECK(verify(verifier, makeRequest(kNow + 300)) == std::nullopt);
  CHECK(verify(verifier, makeRequest(kNow - 301)) ==
        std::string("timestamp outside the 300 s window (301 s behind the daemon's clock)"));
  CHECK(verify(verifier, makeRequest(kNow + 301)) ==
        std::string("timestamp outside the 300 s window (301 s ahead of the daemon's clock)"));
  CHECK(verify(verifier, makeRequest(0))->rfind("timestamp outside the 300 s window", 0) == 0);

  // The window check comes before the signature check.
  auto stale_and_forged = makeRequest(kNow - 1000);
  stale_and_forged.body += "x";
  CHECK(verify(verifier, stale_and_forged)->rfind("timestamp outside", 0) == 0);
}

TEST_CASE("RequestVerifier: replays are refused, also after the window passes", "[auth]") {
  std::atomic<int64_t> now{kNow};
  RequestVerifier verifier(kSecret, 300, [&] { return now.load(); });
  const auto request = makeRequest(kNow);
  CHECK(verify(verifier, request) == std::nullopt);
  CHECK(verify(verifier, request) == std::string("replayed nonce"));

  // The same nonce with a new timestamp (correctly signed, e.g. by a buggy client) is still a replay.
  auto same_nonce = makeRequest(kNow + 5, request.nonce);
  CHECK(verify(verifier, same_nonce) == std::string("replayed nonce"));

  now = kNow + 300;  // last second the request's timestamp is acceptable
  CHECK(verify(verifier, request) == std::string("replayed nonce"));
  CHECK(verifier.rememberedNonces() == 1);

  now = kNow + 301;  // the nonce is forgotten, but the timestamp check refuses the old request
  CHECK(verify(verifier, request)->rfind("timestamp outside the 300 s window", 0) == 0);
  CHECK(verify(verifier, makeRequest(kNow + 301)) == std::nullopt);  // pruning ran on this call
  CHECK(verifier.rememberedNonces() == 1);
}

TEST_CASE("RequestVerifier: a full nonce cache refuses rather than forgets", "[auth]") {
  std::atomic<int64_t> now{kNow};
  RequestVerifier verifier(kSecret, 300, [&] { return now.load(); }, 3);
  const auto first = makeRequest(kNow);
  CHECK(verify(verifier, first) == std::nullopt);
  CHECK(verify(verifier, makeRequest(kNow)) == std::nullopt);
  CHECK(verify(verifier, makeRequest(kNow + 10)) == std::nullopt);
  CHECK(verify(verifier, makeRequest(kNow)) == std::string("nonce cache full"));
  CHECK(verify(verifier, first) == std::string("replayed nonce"));  // still remembered

  now = kNow + 301;  // the two nonces stamped kNow expire; the one stamped kNow + 10 stays
  CHECK(verify(verifier, makeRequest(kNow + 301)) == std::nullopt);
  CHECK(verifier.rememberedNonces() == 2);
}

TEST_CASE("RequestVerifier: 8 threads verifying concurrently", "[auth][threads]") {
  RequestVerifier verifier(kSecret, 300, [] { return kNow; });
  constexpr int kThreads = 8, kPerThread = 200;
  // Every thread sends its own requests plus replays of one request shared by all threads.
  const auto shared = makeRequest(kNow);
  std::atomic<int> accepted{0}, replays_refused{0}, shared_accepted{0}, other_failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        const auto request = makeRequest(kNow);
        if (verify(verifier, request) == std::nullopt) ++accepted; else ++other_failures;
        if (verify(verifier, request) == std::string("replayed nonce")) ++replays_refused; else ++other_failures;
        if (verify(verifier, shared) == std::nullopt) ++shared_accepted;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(accepted == kThreads * kPerThread);
  CHECK(replays_refused == kThreads * kPerThread);
  CHECK(shared_accepted == 1);
  CHECK(other_failures == 0);
  CHECK(verifier.rememberedNonces() == static_cast<size_t>(kThreads * kPerThread + 1));
}

TEST_CASE("RequestVerifier: the default clock is the system clock", "[auth]") {
  RequestVerifier verifier(kSecret, 300);
  CHECK(verify(verifier, makeRequest(systemNow())) == std::nullopt);
  CHECK(verify(verifier, makeRequest(systemNow() - 3600))->rfind("timestamp outside", 0) == 0);
}
