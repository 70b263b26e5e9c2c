#pragma once
// The random source behind generated usernames and passwords, behind an interface so tests can replay a
// fixed sequence. Production uses OpenSslRandom (the OS-seeded CSPRNG); SeededRandom is for tests only.
#include <cstdint>

namespace puq::provisioning {

class RandomSource {
 public:
  virtual ~RandomSource();
  // A uniformly distributed value in [0, n), without modulo bias. n must be > 0 (std::invalid_argument).
  virtual uint64_t below(uint64_t n) = 0;
};

// OpenSSL's RAND_bytes with rejection sampling. Holds no state, so one instance may be shared by threads.
// Throws puq::Error("random_unavailable") if OpenSSL cannot produce random bytes.
class OpenSslRandom : public RandomSource {
 public:
  uint64_t below(uint64_t n) override;
};

// Deterministic splitmix64 stream: the same seed gives the same sequence. NOT for secrets; not thread-safe.
class SeededRandom : public RandomSource {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}
  uint64_t below(uint64_t n) override;
  uint64_t next();  // the raw 64-bit stream

 private:
  uint64_t state_;
};

}  // namespace puq::provisioning
