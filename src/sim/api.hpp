#pragma once
// The DSM Web API layer of the simulator: the call a handler sees (Ctx), the handler table, and the
// dispatcher that applies DSM's checks in DSM's order before a handler runs (dsm-api.md §1-§3).
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core.hpp"

namespace puq::sim {

using Json = nlohmann::json;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A parameter is missing or has the wrong JSON type. Thrown only by the Ctx accessors; the dispatcher
// answers `code` (the API's "invalid parameter" code unless the accessor was given another one).
struct BadParam {
  int code;
};

class WebApi;

// One API call as a handler sees it. Handlers run with core.mu held.
struct Ctx {
  Core& core;
  WebApi& webapi;
  const std::string& api;
  const std::string& method;
  int version;
  const Json& params;       // decoded values (JSON where the API takes JSON, else raw strings)
  const Session* session;   // the caller's session; null for APIs that need none
  const std::string& sid;   // as sent (_sid or cookie id), possibly empty
  const std::optional<std::string>& synotoken;  // as sent
  int bad_param_code;
  HeaderList* headers_out;  // null for compound sub-requests (no HTTP response of their own)

  SimState& state() const { return core.state; }
  const Options& options() const { return core.options; }

  bool has(const char* key) const { return params.contains(key); }
  const Json* find(const char* key) const;
  // Typed accessors: a value of another JSON type throws BadParam{bad_param_code or code}.
  std::optional<std::string> optString(const char* key, int code = 0) const;
  std::string requireString(const char* key, int code = 0) const;
  std::optional<bool> optBool(const char* key, int code = 0) const;
  std::optional<int64_t> optInt(const char* key, int code = 0) const;
  // A JSON array of strings; a value that is not one throws BadParam.
  std::optional<std::vector<std::string>> optStringArray(const char* key, int code = 0) const;
};

// Response bodies in DSM's envelope.
Json okBody();                 // {"success":true}
Json okBody(Json data);        // {"data":…,"success":true}
Json errorBody(int code);      // {"error":{"code":N},"success":false}
Json errorBody(int code, Json errors);  // {"error":{"code":N,"errors":…},"success":false}

// [begin, end) of a page: offset past the end gives an empty page, limit -1 means "all" (N4S4).
// A negative offset or a limit below -1 throws BadParam.
std::pair<size_t, size_t> pageRange(const Ctx& ctx, size_t total);

using Handler = std::function<Json(Ctx&)>;

struct MethodSpec {
  Handler handler;
  bool write = false;  // a mutation: answers 105 to an Auth < 7 session on the dsm7 profile
};

struct ApiSpec {
  bool needs_session = true;
  bool admin_only = true;     // SYNO.Core.* (dsm-api.md §4: allowUser admin.*)
  int bad_param_code = 120;   // what a malformed parameter answers on this API
  std::map<std::string, MethodSpec> methods;
};

using ApiTable = std::map<std::string, ApiSpec>;

void addAuthApis(ApiTable& table);    // SYNO.API.Info, SYNO.API.Auth (api_auth.cpp)
void addUserApis(ApiTable& table);    // SYNO.Core.User* (api_user.cpp)
void addGroupApis(ApiTable& table);   // SYNO.Core.Group* (api_group.cpp)
void addSystemApis(ApiTable& table);  // DSM.Info, Quota, User.Home, FileServ, AppPriv (api_system.cpp)

// SYNO.API.Info entries of a profile, exactly as captured (fixtures api.info.query.dsm{6,7}.subset.json).
const Json& apiCatalog(const std::string& profile);

// A call before any check: what the transport (or a compound element) carried.
struct CallInput {
  std::string cgi;  // "entry.cgi" | "query.cgi" | "auth.cgi"; empty for a compound sub-request
  std::optional<std::string> api;
  std::optional<std::string> method;
  std::optional<Json> version;  // a string from HTTP, a number or string inside a compound
  Json params = Json::object();  // HTTP: raw strings (decoded per API); compound: native JSON
  bool raw_strings = true;
  std::string sid;
  std::optional<std::string> synotoken;
};

struct CallResult {
  Json body;
  HeaderList headers;  // x-request-error, Set-Cookie
};

class WebApi {
 public:
  explicit WebApi(Core& core);
  // Runs one call through DSM's checks and the handler. Thread-safe; takes core.mu itself.
  CallResult call(const CallInput& in);

 private:
  friend Json runCompound(Ctx& ctx);  // SYNO.Entry.Request (api_compound.cpp) calls back in
  CallResult dispatch(const CallInput& in, bool sub_request);

  Core& core_;
  ApiTable table_;
};

Json runCompound(Ctx& ctx);

}  // namespace puq::sim
