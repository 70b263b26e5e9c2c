#pragma once
// WHMCS's reversible encryption of stored secrets (tblservers.password), keyed by $cc_encryption_hash
// from configuration.php. The algorithm is not documented by WHMCS; it is the publicly reimplemented
// one (inwx/WHMCS helpers.php inwx_decryptString, /work/shared/docs/whmcs-module.md §4), and the PHP
// test harness (tests/php/bootstrap.php WhmcsHarness::encrypt/decrypt) implements the same:
//
//   K      = SHA1_raw(md5hex(md5hex(H)) . md5hex(H))          (20 bytes, H = cc_encryption_hash)
//   data   = base64_decode(ciphertext) = (IV xor K) . body     (IV: 20 random bytes)
//   key    = IV; every 20 bytes key = SHA1_raw(key . previous 20 plaintext bytes)
//   plain[i] = key[i % 20] xor body[i]
//
// Used only by the daemon's "stored credentials" routes (POST /v1/usage/sync-stored,
// /v1/server/reconcile-stored), which let the command line sync a server without WHMCS.
#include <optional>
#include <string>

namespace puq::whmcs {

// The plaintext, or nullopt when `cipher` is not base64 of at least 20 bytes. A wrong hash is not
// detectable: it yields garbage (the DSM login then fails).
std::optional<std::string> decryptWhmcsPassword(const std::string& cipher, const std::string& cc_encryption_hash);

// The inverse, with a caller-chosen 20-byte IV (tests; WHMCS uses a random one). Throws
// std::invalid_argument when iv is not 20 bytes.
std::string encryptWhmcsPassword(const std::string& plain, const std::string& iv, const std::string& cc_encryption_hash);

}  // namespace puq::whmcs
