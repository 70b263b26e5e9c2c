#pragma once
// The HTTPS listener's self-signed certificate: EC P-256, SAN DNS:localhost and IP:127.0.0.1.
#include <string>

namespace puq::sim {

struct TlsFiles {
  std::string cert_path;  // PEM certificate (also what a pinning client trusts)
  std::string key_path;   // PEM private key, mode 0600
};

// Reuses dir/cert.pem + dir/key.pem when both load, match and the certificate is still valid for a
// day; otherwise generates a new pair there. Creates `dir` if needed. Throws std::runtime_error.
TlsFiles ensureSelfSignedCertificate(const std::string& dir);

}  // namespace puq::sim
