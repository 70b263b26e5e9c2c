// Fuzz target "dsm_reply": what the DSM client does with an answer from a NAS (untrusted: the wrong
// device, a proxy's error page, or a hostile box). Runs the same decoding HttpClient runs on every HTTP
// reply (include/puq/dsm/reply.hpp) and the masking of the reply for the WHMCS module log.
//
// Input: CALL STATUS BODY
//  - CALL (1 byte) picks the call the body answers in the table below: 'a' the first, 'b' the second...
//    (any other byte modulo the table size);
//  - STATUS (1 byte) picks the HTTP status: '4' -> 404, '5' -> 500, '3' -> 302, '0' -> 0, else 200;
//  - BODY is the HTTP body, any bytes.
// Allowed outcomes: a decoded value, or DsmError with code dsm_protocol / dsm_unreachable (from the
// envelope or discovery), or the DsmError HttpClient::errorFor builds from DSM's error code. Any other
// exception, a crash or undefined behaviour is a bug.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "puq/dsm/errors.hpp"
#include "puq/dsm/http_client.hpp"
#include "puq/dsm/masking.hpp"
#include "puq/dsm/reply.hpp"

namespace {

using nlohmann::json;
using namespace puq::dsm;

enum class Call { Info, Login, GetInfo, UserList, UserGet, UserCreate, UserDelete, Policy, Groups, Members,
                  UserGroups, Home, HomeSet, Compound };
struct CallSpec {
  Call call;
  const char* api;
  const char* method;
};
constexpr CallSpec kCalls[] = {
    {Call::Info, "SYNO.API.Info", "query"},
    {Call::Login, "SYNO.API.Auth", "login"},
    {Call::GetInfo, "SYNO.DSM.Info", "getinfo"},
    {Call::UserList, "SYNO.Core.User", "list"},
    {Call::UserGet, "SYNO.Core.User", "get"},
    {Call::UserCreate, "SYNO.Core.User", "create"},
    {Call::UserDelete, "SYNO.Core.User", "delete"},
    {Call::Policy, "SYNO.Core.User.PasswordPolicy", "get"},
    {Call::Groups, "SYNO.Core.Group", "list"},
    {Call::Members, "SYNO.Core.Group.Member", "list"},
    {Call::UserGroups, "SYNO.Core.User.Group", "get"},
    {Call::Home, "SYNO.Core.User.Home", "get"},
    {Call::HomeSet, "SYNO.Core.User.Home", "set"},
    {Call::Compound, "SYNO.Entry.Request", "request"},
};
constexpr size_t kCallCount = sizeof kCalls / sizeof kCalls[0];
constexpr size_t kMaxRecordedResponse = 4096;  // as in src/dsm/http_client.cpp

int statusFor(uint8_t b) {
  switch (b) {
    case '4': return 404;
    case '5': return 500;
    case '3': return 302;
    case '0': return 0;
    default: return 200;
  }
}

HttpClient& client() {  // errorFor() needs only the endpoint; the constructor does no I/O
  static HttpClient instance([] {
    Endpoint e;
    e.host = "nas.example.com";
    e.username = "whmcs-admin";
    e.password = "fuzz-password";
    return e;
  }());
  return instance;
}

void decodeData(Call call, const json& data) {
  using namespace decode;
  switch (call) {
    case Call::Info: {
      const ApiTable table = decodeApiTable(client().endpoint().baseUrl(), data);
      FUZZ_CHECK(table.count("SYNO.API.Auth") == 1);
      for (const auto& [name, info] : table) FUZZ_CHECK(!info.path.empty());
      break;
    }
    case Call::Login:
      (void)stringField(data, "sid");
      (void)stringField(data, "synotoken");
      break;
    case Call::GetInfo: {
      const DsmInfo info = decodeInfo(data);
      FUZZ_CHECK(info.major >= 0 && info.minor >= 0);
      break;
    }
    case Call::UserList:
    case Call::UserGet: {
      const auto users = decodeUsers(data);
      FUZZ_CHECK(users.size() == arrayField(data, "users").size());
      break;
    }
    case Call::UserCreate:
      (void)stringField(data, "name");
      (void)intField(data, "uid", -1);
      break;
    case Call::UserDelete:
      (void)errorsContain(data, 3106);
      (void)errorsContain(data, 3102);
      break;
    case Call::Policy: {
      const PasswordPolicy policy = decodePasswordPolicy(data);
      FUZZ_CHECK(policy.present);
      break;
    }
    case Call::Groups: {
      const auto groups = decodeGroups(data);
      for (size_t i = 1; i < groups.size(); ++i) FUZZ_CHECK(!(groups[i].name < groups[i - 1].name));
      break;
    }
    case Call::Members: (void)decodeMemberNames(data); break;
    case Call::UserGroups: (void)decodeUserGroups(data); break;
    case Call::Home: (void)decodeHomeService(data); break;
    case Call::HomeSet:
      (void)stringField(data, "task_id");
      (void)boolField(data, "finish", true);
      break;
    case Call::Compound: {
      if (!data.is_object() || !data.contains("result") || !data["result"].is_array()) break;  // dsm_protocol
      size_t i = 0;
      for (const json& sub : data["result"]) {
        const UserUsage u = decodeUsage("user" + std::to_string(i++), sub);
        FUZZ_CHECK(u.found || u.used_mb == 0);
      }
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const CallSpec& spec = kCalls[(data[0] >= 'a' ? data[0] - 'a' : data[0]) % kCallCount];
  const int status = statusFor(data[1]);
  const std::string raw(reinterpret_cast<const char*>(data + 2), size - 2);

  // What HttpClient::send does with every reply, in the same order.
  const json body = json::parse(raw, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> secrets{client().endpoint().password};
  if (body.is_object() && body.contains("data")) {
    for (const char* key : {"sid", "synotoken", "device_id", "did"}) {
      const std::string value = decode::stringField(body["data"], key);
      if (!value.empty()) secrets.push_back(value);
    }
  }
  const std::string recorded = truncateUtf8(scrubSecretValues(maskJsonSecrets(raw), secrets), kMaxRecordedResponse);
  FUZZ_CHECK(recorded.size() <= kMaxRecordedResponse);

  try {
    const DsmReply reply = decodeReply(client().endpoint().baseUrl(), spec.api, spec.method, status, raw, body);
    FUZZ_CHECK(status == 200);
    if (reply.success) {
      decodeData(spec.call, reply.data);
    } else {
      const DsmError error = client().errorFor(spec.api, spec.method, reply.code);
      FUZZ_CHECK(!error.code().empty() && error.dsmCode() == reply.code);
      FUZZ_CHECK(!describeDsmCode(spec.api, reply.code).empty());
    }
  } catch (const DsmError& e) {
    FUZZ_CHECK(e.code() == "dsm_protocol" || e.code() == "dsm_unreachable");
  }
  return 0;
}
