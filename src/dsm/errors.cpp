// describeDsmCode: DSM error codes in words (docs: shared dsm-api.md §2 and §9). Codes below 400 and
// 150/160 are common to every API; codes from 400 up mean different things on different APIs, so they
// are looked up by API family first.
#include "puq/dsm/errors.hpp"

#include <map>
#include <string>

namespace puq::dsm {

namespace {

using CodeTable = std::map<int, const char*>;

const CodeTable& commonCodes() {
  static const CodeTable table = {
      {100, "unknown error"},
      {101, "no parameter of API, method or version"},
      {102, "the requested API does not exist"},
      {103, "the requested method does not exist (or the SynoToken is missing)"},
      {104, "the requested version does not support this function"},
      {105,
       "the logged-in session does not have permission (the account is not an administrator, or "
       "the login used SYNO.API.Auth below version 7)"},
      {106, "session timeout"},
      {107, "session interrupted by a duplicated login"},
      {108, "upload failed"},
      {109, "network unstable or system busy"},
      {110, "network unstable or system busy"},
      {111, "network unstable or system busy"},
      {114, "lost parameters"},
      {115, "upload not allowed"},
      {116, "not allowed on the demo site"},
      {117, "network unstable or system busy"},
      {118, "network unstable or system busy"},
      {119, "session id not found (invalid session)"},
      {120, "bad or missing parameter"},
      {150, "the request source IP does not match the login IP"},
      {160, "insufficient application privilege"},
  };
  return table;
}

const CodeTable& authCodes() {
  static const CodeTable table = {
      {400, "no such account or incorrect password"},
      {401, "the account is disabled"},
      {402, "permission denied"},
      {403, "a 2-step verification code is required"},
      {404, "the 2-step verification code was not accepted"},
      {405, "incorrect app portal"},
      {406, "2-step verification must be set up for this account"},
      {407, "the source IP is blocked (too many failed logins)"},
      {408, "the password has expired and cannot be changed"},
      {409, "the password has expired"},
      {410, "the password must be changed"},
      {411, "the account is locked"},
  };
  return table;
}

const CodeTable& userCodes() {
  static const CodeTable table = {
      {3100, "unknown user error"},
      {3101,
       "bad argument (a name list sent as a string, or a home location that is not a volume path "
       "such as /volume1)"},
      {3102, "partial failure reported by user delete"},
      {3103, "invalid parameter (a boolean, a date in expired, a missing home location)"},
      {3106, "no such user"},
      {3107, "the user already exists"},
      // Not in the reference (dsm-api.md); named in issue 6 as "another admin is editing".
      {3112, "another administrator is editing users or groups"},
      {3113, "another administrator is editing users or groups"},
      {3117, "the password does not meet the password policy"},
      {3121, "the password does not meet the password policy"},
  };
  return table;
}

const CodeTable& groupCodes() {
  static const CodeTable table = {
      {3201, "bad group argument"},
      {3205, "no such group"},
      {3206, "the group already exists"},
      // Group.Member add/remove also reports the user-side codes.
      {3106, "no such user"},
      {3112, "another administrator is editing users or groups"},
      {3113, "another administrator is editing users or groups"},
  };
  return table;
}

const CodeTable& shareCodes() {
  static const CodeTable table = {
      {3300, "shared folder error"},
      {3301, "shared folder error (bad argument or the folder exists)"},
  };
  return table;
}

const CodeTable& appPrivCodes() {
  static const CodeTable table = {{3400, "bad or missing parameters"}};
  return table;
}

const CodeTable& quotaCodes() {
  static const CodeTable table = {
      {5403, "no usable quota subject (name missing or unknown)"},
      {3106, "no such user"},
  };
  return table;
}

const CodeTable& fileStationCodes() {
  static const CodeTable table = {
      {400, "invalid parameter of file operation"},
      {401, "unknown error of file operation"},
      {402, "system is too busy"},
      {403, "invalid user does this file operation"},
      {404, "invalid group does this file operation"},
      {405, "invalid user and group does this file operation"},
      {406, "cannot get user/group information from the account server"},
      {407, "operation not permitted"},
      {408, "no such file or directory"},
  };
  return table;
}

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

const CodeTable* tableForApi(const std::string& api) {
  if (api == "SYNO.API.Auth") return &authCodes();
  if (startsWith(api, "SYNO.Core.User")) return &userCodes();
  if (startsWith(api, "SYNO.Core.Group")) return &groupCodes();
  if (startsWith(api, "SYNO.Core.Share")) return &shareCodes();
  if (startsWith(api, "SYNO.Core.AppPriv")) return &appPrivCodes();
  if (startsWith(api, "SYNO.Core.Quota")) return &quotaCodes();
  if (startsWith(api, "SYNO.FileStation")) return &fileStationCodes();
  return nullptr;
}

}  // namespace

std::string describeDsmCode(const std::string& api, int code) {
  if (const CodeTable* table = tableForApi(api)) {
    if (auto it = table->find(code); it != table->end()) return it->second;
  }
  if (code < 400) {  // common to every API
    if (auto it = commonCodes().find(code); it != commonCodes().end()) return it->second;
    if (code >= 120 && code < 150) return "reserved error code (usually a bad or missing parameter)";
  }
  return "error code " + std::to_string(code) + " of " + (api.empty() ? std::string("DSM") : api) + " (not documented)";
}

}  // namespace puq::dsm
