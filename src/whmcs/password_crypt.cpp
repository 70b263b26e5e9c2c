// WHMCS encrypt()/decrypt() of stored secrets (see password_crypt.hpp).
#include "puq/whmcs/password_crypt.hpp"

#include <openssl/evp.h>
#include <openssl/md5.h>
#include <openssl/sha.h>

#include <cstdint>
#include <stdexcept>

namespace puq::whmcs {
namespace {

constexpr size_t kBlock = 20;  // SHA-1 output

std::string md5Hex(const std::string& data) {
  unsigned char digest[MD5_DIGEST_LENGTH];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_md5(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0x0F];
  }
  return out;
}

std::string sha1Raw(const std::string& data) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha1(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string cipherKey(const std::string& hash) { return sha1Raw(md5Hex(md5Hex(hash)) + md5Hex(hash)); }

// Strict base64 (RFC 4648 alphabet, '=' padding only at the end; whitespace skipped as PHP's
// base64_decode($s, true) does). nullopt on any other character.
std::optional<std::string> base64Decode(const std::string& text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  bool padding = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    const int v = value(c);
    if (v < 0 || padding) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

std::string base64Encode(const std::string& data) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const uint32_t n = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                       static_cast<unsigned char>(data[i + 2]);
    out += table[(n >> 18) & 63];
    out += table[(n >> 12) & 63];
    out += table[(n >> 6) & 63];
    out += table[n & 63];
  }
  if (i + 1 == data.size()) {
    const uint32_t n = static_cast<unsigned char>(data[i]) << 16;
    out += table[(n >> 18) & 63];
    out += table[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    const uint32_t n = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8);
    out += table[(n >> 18) & 63];
    out += table[(n >> 12) & 63];
    out += table[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

}  // namespace

std::optional<std::string> decryptWhmcsPassword(const std::string& cipher, const std::string& cc_encryption_hash) {
  const auto data = base64Decode(cipher);
  if (!data || data->size() < kBlock) return std::nullopt;
  const std::string k = cipherKey(cc_encryption_hash);
  std::string key(kBlock, '\0');
  for (size_t i = 0; i < kBlock; ++i) key[i] = static_cast<char>((*data)[i] ^ k[i]);
  const size_t n = data->size() - kBlock;
  std::string plain;
  plain.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (i != 0 && i % kBlock == 0) key = sha1Raw(key + plain.substr(i - kBlock, kBlock));
    plain += static_cast<char>(key[i % kBlock] ^ (*data)[kBlock + i]);
  }
  return plain;
}

std::string encryptWhmcsPassword(const std::string& plain, const std::string& iv, const std::string& cc_encryption_hash) {
  if (iv.size() != kBlock) throw std::invalid_argument("the IV must be 20 bytes");
  const std::string k = cipherKey(cc_encryption_hash);
  std::string out(kBlock, '\0');
  for (size_t i = 0; i < kBlock; ++i) out[i] = static_cast<char>(iv[i] ^ k[i]);
  std::string key = iv;
  for (size_t i = 0; i < plain.size(); ++i) {
    if (i != 0 && i % kBlock == 0) key = sha1Raw(key + plain.substr(i - kBlock, kBlock));
    out += static_cast<char>(key[i % kBlock] ^ plain[i]);
  }
  return base64Encode(out);
}

}  // namespace puq::whmcs
