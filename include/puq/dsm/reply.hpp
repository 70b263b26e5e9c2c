#pragma once
// Decoding DSM's answers, without any I/O: the {"success", "data" | "error"} envelope of one HTTP reply
// and the data of each call HttpClient makes. A NAS is untrusted input (it may be the wrong device, a
// proxy's error page, or hostile), so every function here accepts any JSON value and any body:
// the only exception any of them throws is DsmError (dsm_unreachable / dsm_protocol), and the field
// readers never throw at all. fuzz/fuzz_dsm_reply.cpp feeds them arbitrary bytes.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "puq/dsm/errors.hpp"
#include "puq/dsm/types.hpp"

namespace puq::dsm {

// The answer of one DSM call: success with data, or DSM's error code (and "errors" detail).
struct DsmReply {
  bool success = false;
  nlohmann::json data;   // "data" of a success (null when absent)
  int code = 0;          // error.code of a failure (100, "unknown error", when DSM gave none)
  nlohmann::json error;  // the whole "error" object of a failure
};

// Judges one HTTP answer of `api` `method` from the NAS at base_url ("https://nas:5001", for messages).
// `body` is raw_body parsed with nlohmann::json::parse(raw_body, nullptr, false) (discarded when not JSON).
// Throws DsmError dsm_unreachable for HTTP 5xx, dsm_protocol when the answer is not DSM's JSON envelope
// (another status than 200, HTML, not JSON, no boolean "success").
DsmReply decodeReply(const std::string& base_url, const std::string& api, const std::string& method,
                     int http_status, const std::string& raw_body, const nlohmann::json& body);
// The same, parsing raw_body itself.
DsmReply decodeReply(const std::string& base_url, const std::string& api, const std::string& method,
                     int http_status, const std::string& raw_body);

// One entry of SYNO.API.Info: where an API lives and which versions it speaks.
struct ApiInfo {
  std::string path;  // relative to /webapi/
  int min_version = 1;
  int max_version = 1;
};
using ApiTable = std::map<std::string, ApiInfo>;

// The data of SYNO.API.Info query: entries without a path are skipped. Throws DsmError dsm_protocol when
// SYNO.API.Auth is not listed (then this is not DSM).
ApiTable decodeApiTable(const std::string& base_url, const nlohmann::json& data);

// Tolerant readers of one field of a JSON object: DSM sends numbers as strings and booleans as numbers
// depending on the model and version. A missing field, a non-object or a value of the wrong type gives
// the fallback. They never throw.
namespace decode {
std::string stringField(const nlohmann::json& object, const char* key);  // non-strings are dumped as JSON
int64_t intField(const nlohmann::json& object, const char* key, int64_t fallback);
double numberField(const nlohmann::json& object, const char* key);  // fallback 0
bool boolField(const nlohmann::json& object, const char* key, bool fallback = false);
const nlohmann::json& arrayField(const nlohmann::json& object, const char* key);  // fallback []
// True when data.errors (of a success) holds the code, as an int or as {"code": N}.
bool errorsContain(const nlohmann::json& data, int code);
}  // namespace decode

// The data of each call (docs/dsm-client.md lists the calls).
DsmInfo decodeInfo(const nlohmann::json& data);                            // SYNO.DSM.Info getinfo
User decodeUser(const nlohmann::json& user);                               // one entry of data.users
std::vector<User> decodeUsers(const nlohmann::json& data);                 // SYNO.Core.User list / get
PasswordPolicy decodePasswordPolicy(const nlohmann::json& data);           // SYNO.Core.User.PasswordPolicy get
std::vector<Group> decodeGroups(const nlohmann::json& data);               // SYNO.Core.Group list (sorted by name)
std::vector<std::string> decodeMemberNames(const nlohmann::json& data);    // SYNO.Core.Group.Member list
std::vector<std::string> decodeUserGroups(const nlohmann::json& data);     // SYNO.Core.User.Group get
HomeService decodeHomeService(const nlohmann::json& data);                 // SYNO.Core.User.Home get
UserUsage decodeUsage(const std::string& name, const nlohmann::json& sub);  // one SYNO.Core.Quota get result

}  // namespace puq::dsm
