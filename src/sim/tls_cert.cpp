#include "tls_cert.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>

namespace puq::sim {

namespace {

namespace fs = std::filesystem;

struct Deleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(FILE* p) const { std::fclose(p); }
};
using PKey = std::unique_ptr<EVP_PKEY, Deleter>;
using Cert = std::unique_ptr<X509, Deleter>;
using File = std::unique_ptr<FILE, Deleter>;

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("dsm-sim TLS: " + what); }

bool addExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// An existing pair is kept so that a client pinning the certificate survives a restart.
bool existingPairUsable(const std::string& cert_path, const std::string& key_path) {
  if (!fs::exists(cert_path) || !fs::exists(key_path)) return false;
  File cf(std::fopen(cert_path.c_str(), "r"));
  File kf(std::fopen(key_path.c_str(), "r"));
  if (!cf || !kf) return false;
  Cert cert(PEM_read_X509(cf.get(), nullptr, nullptr, nullptr));
  PKey key(PEM_read_PrivateKey(kf.get(), nullptr, nullptr, nullptr));
  if (!cert || !key) return false;
  if (X509_check_private_key(cert.get(), key.get()) != 1) return false;
  time_t in_a_day = time(nullptr) + 86400;
  return X509_cmp_time(X509_get0_notAfter(cert.get()), &in_a_day) > 0;
}

void writePem(const std::string& path, mode_t mode, const std::function<bool(FILE*)>& write) {
  File f(std::fopen(path.c_str(), "w"));
  if (!f) fail("cannot write " + path);
  ::chmod(path.c_str(), mode);
  if (!write(f.get())) fail("cannot encode " + path);
}

}  // namespace

TlsFiles ensureSelfSignedCertificate(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  TlsFiles files{(fs::path(dir) / "cert.pem").string(), (fs::path(dir) / "key.pem").string()};
  if (existingPairUsable(files.cert_path, files.key_path)) return files;

  // EC P-256: as good as RSA 2048 for a test listener and generated in a millisecond.
  PKey key(EVP_EC_gen("P-256"));
  if (!key) fail("key generation failed");

  Cert cert(X509_new());
  if (!cert) fail("X509_new failed");
  X509_set_version(cert.get(), 2);  // v3
  unsigned char serial_bytes[16];
  RAND_bytes(serial_bytes, sizeof serial_bytes);
  serial_bytes[0] &= 0x7F;  // positive
  BIGNUM* serial = BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr);
  BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()));
  BN_free(serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);           // tolerate small clock skew
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3650L * 24 * 3600);  // ten years
  X509_set_pubkey(cert.get(), key.get());

  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("dsm-sim"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), name);  // self-signed

  // Self-signed and used directly as the trust anchor, so it is marked as a CA that may sign itself.
  if (!addExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      !addExtension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign") ||
      !addExtension(cert.get(), NID_ext_key_usage, "serverAuth") ||
      !addExtension(cert.get(), NID_subject_key_identifier, "hash") ||
      !addExtension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"))
    fail("adding extensions failed");
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) fail("signing failed");

  writePem(files.key_path, 0600, [&](FILE* f) {
    return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  });
  writePem(files.cert_path, 0644, [&](FILE* f) { return PEM_write_X509(f, cert.get()) == 1; });
  return files;
}

}  // namespace puq::sim
