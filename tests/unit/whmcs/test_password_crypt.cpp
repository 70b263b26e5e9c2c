// WHMCS's encryption of tblservers.password (whmcs/password_crypt.hpp): vectors made by the PHP test
// harness, which implements WHMCS's encrypt()/decrypt() (tests/php/bootstrap.php).
#include <catch2/catch.hpp>

#include "puq/whmcs/password_crypt.hpp"

using puq::whmcs::decryptWhmcsPassword;
using puq::whmcs::encryptWhmcsPassword;

namespace {
const std::string kHash64a(64, 'a');
const std::string kHash = "Zq8pLm3N7vR2tY6wXc9bHs4dFg1kJe5aQu0iOy8rTz3nWm7pLx2cVb6hGf9sDk4j";
}  // namespace

TEST_CASE("whmcs crypt: decrypts what the PHP harness (WHMCS's algorithm) encrypted", "[whmcs][crypt]") {
  // Made with (random IV):
  //   php -r 'require "tests/php/bootstrap.php"; echo WhmcsHarness::encrypt("secret-pass", null, str_repeat("a",64));'
  CHECK(decryptWhmcsPassword("1OKXvqlsQRTeiEf/2QL23CIOorQ1kM99C03UgyuP2A==", kHash64a) == "secret-pass");
  CHECK(decryptWhmcsPassword("s+7vhu/bdga6Mp2YIiwKXlidGPVSnLdFTfrjkU81Ag==", kHash64a) == "secret-pass");

  // 46 bytes: three keystream blocks, so the key renewal every 20 bytes is exercised. Made with:
  //   php -r 'require "tests/php/bootstrap.php"; echo WhmcsHarness::encrypt("A longer DSM admin password: 45 bytes, x3 keys",
  //           "0123456789abcdefghij", "Zq8pLm3N7vR2tY6wXc9bHs4dFg1kJe5aQu0iOy8rTz3nWm7pLx2cVb6hGf9sDk4j");'
  const std::string vector = "anpz0nZVyEihLEV/VICy2ppG0thxEV5cWlJTRRh9Mi9DBQELDgZJGtV9uFpXELSISukHkmEQbjPKLedLhbBkQer6";
  const std::string plain = "A longer DSM admin password: 45 bytes, x3 keys";
  CHECK(decryptWhmcsPassword(vector, kHash) == plain);
  // With the same IV, encrypting gives the PHP harness's bytes exactly.
  CHECK(encryptWhmcsPassword(plain, "0123456789abcdefghij", kHash) == vector);
}

TEST_CASE("whmcs crypt: round trips, any length and any byte", "[whmcs][crypt]") {
  const std::string iv = std::string("\x00\xff\x10\x80 IV of 20 bytes", 20);
  for (size_t length : {0, 1, 19, 20, 21, 39, 40, 41, 100, 257}) {
    std::string plain;
    for (size_t i = 0; i < length; ++i) plain += static_cast<char>((i * 37 + 11) & 0xFF);
    INFO(length);
    const std::string cipher = encryptWhmcsPassword(plain, iv, kHash);
    CHECK(decryptWhmcsPassword(cipher, kHash) == plain);
  }
  CHECK_THROWS_AS(encryptWhmcsPassword("x", "short", kHash), std::invalid_argument);
}

TEST_CASE("whmcs crypt: what is not WHMCS ciphertext is refused; a wrong hash gives other bytes", "[whmcs][crypt]") {
  CHECK_FALSE(decryptWhmcsPassword("", kHash));
  CHECK_FALSE(decryptWhmcsPassword("plain-text password!", kHash));  // not base64
  CHECK_FALSE(decryptWhmcsPassword("c2hvcnQ=", kHash));             // base64 of 5 bytes: no IV
  CHECK(decryptWhmcsPassword("1OKXvqlsQRTeiEf/2QL23CIOorQ1kM99C03UgyuP2A==", kHash) != "secret-pass");
}
