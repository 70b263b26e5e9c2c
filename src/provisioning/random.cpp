#include "puq/provisioning/random.hpp"

#include <openssl/err.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <string>

#include "puq/common/error.hpp"

namespace puq::provisioning {
namespace {

// Uniform in [0, n) from a uniform 64-bit stream: reject the lowest (2^64 mod n) values so every
// residue is hit equally often (the arc4random_uniform method). Expected draws < 2 for any n.
template <typename Next>
uint64_t uniformBelow(uint64_t n, Next next) {
  if (n == 0) throw std::invalid_argument("RandomSource::below(0): the range is empty");
  const uint64_t threshold = (0 - n) % n;  // == 2^64 mod n
  for (;;) {
    const uint64_t x = next();
    if (x >= threshold) return x % n;
  }
}

}  // namespace

RandomSource::~RandomSource() = default;

uint64_t OpenSslRandom::below(uint64_t n) {
  return uniformBelow(n, [] {
    uint64_t x = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&x), sizeof x) != 1) {
      const unsigned long err = ERR_get_error();
      char text[256] = "unknown error";
      if (err != 0) ERR_error_string_n(err, text, sizeof text);
      throw puq::Error("random_unavailable",
                       std::string("The system's secure random generator failed (OpenSSL RAND_bytes: ") +
                           text + ")");
    }
    return x;
  });
}

uint64_t SeededRandom::next() {
  // splitmix64 (Steele, Lea, Flood 2014): tiny, full-period, good enough for reproducible tests.
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t SeededRandom::below(uint64_t n) {
  return uniformBelow(n, [this] { return next(); });
}

}  // namespace puq::provisioning
