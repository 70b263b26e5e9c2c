#include <algorithm>
#include <cctype>

#include "puq/dsm/types.hpp"

namespace puq::dsm {

namespace {

std::string hostForUrl(const std::string& host) {
  // A bare IPv6 literal needs brackets inside a URL.
  if (host.find(':') != std::string::npos && host.front() != '[') return "[" + host + "]";
  return host;
}

}  // namespace

std::string Endpoint::sessionKey() const {
  // Hostnames are case-insensitive; the account is part of the identity, the password is not (a
  // changed password replaces the session of the same key, see ClientPool).
  std::string lower_host = host;
  std::transform(lower_host.begin(), lower_host.end(), lower_host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::string(https ? "https" : "http") + "://" + hostForUrl(lower_host) + ":" + std::to_string(port) + "/" +
         username;
}

std::string Endpoint::baseUrl() const {
  return std::string(https ? "https" : "http") + "://" + hostForUrl(host) + ":" + std::to_string(port);
}

}  // namespace puq::dsm
