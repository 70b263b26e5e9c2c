#pragma once
// DsmError: a DSM call that failed, with the NAS, the API step and DSM's code, and a message that says
// what the admin should do. Codes (Error::code()):
//   dsm_unreachable  host down, DNS, connection refused            dsm_timeout   no answer in time
//   dsm_tls          certificate not trusted / TLS handshake       dsm_protocol  not DSM / not JSON / wrong port or scheme
//   dsm_auth         wrong credentials (400), disabled (401)      dsm_otp       2FA required (403/406)
//   dsm_permission   105: not an administrator / Auth < 7          dsm_user_exists 3107
//   dsm_busy         3112/3113: another administrator is editing users or groups (nothing changed)
//   dsm_api          any other DSM error code
#include <string>

#include "puq/common/error.hpp"

namespace puq::dsm {

class DsmError : public puq::Error {
 public:
  DsmError(std::string code, const std::string& message, std::string api = {}, std::string method = {},
           int dsm_code = 0)
      : puq::Error(std::move(code), message, 502),
        api_(std::move(api)), method_(std::move(method)), dsm_code_(dsm_code) {}
  const std::string& api() const noexcept { return api_; }
  const std::string& method() const noexcept { return method_; }
  int dsmCode() const noexcept { return dsm_code_; }

 private:
  std::string api_, method_;
  int dsm_code_;
};

// Human text for a DSM error code on a given API ("no such user", "session timeout", ...). Codes
// 400+ mean different things on different APIs, so the API name is part of the key.
std::string describeDsmCode(const std::string& api, int code);

}  // namespace puq::dsm
