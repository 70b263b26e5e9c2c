// HttpClient: discovery, the shared session, request encoding and every Client method.
// The DSM calls each method makes are listed in docs/dsm-client.md.
#include "puq/dsm/http_client.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "puq/common/error.hpp"
#include "puq/dsm/masking.hpp"
#include "puq/dsm/reply.hpp"
#include "transport.hpp"

namespace puq::dsm {

using nlohmann::json;
using decode::arrayField;
using decode::boolField;
using decode::errorsContain;
using decode::intField;
using decode::stringField;

namespace {

constexpr const char* kAuthApi = "SYNO.API.Auth";
constexpr const char* kInfoApi = "SYNO.API.Info";
constexpr const char* kUserApi = "SYNO.Core.User";
constexpr const char* kGroupApi = "SYNO.Core.Group";
constexpr const char* kMemberApi = "SYNO.Core.Group.Member";
constexpr const char* kQuotaApi = "SYNO.Core.Quota";
constexpr const char* kCompoundApi = "SYNO.Entry.Request";
constexpr const char* kPolicyApi = "SYNO.Core.User.PasswordPolicy";
constexpr const char* kHomeApi = "SYNO.Core.User.Home";

constexpr size_t kMaxRecordedResponse = 4096;

// Codes after which DSM wants a new login: session timeout, duplicated login, sid not found.
bool isSessionLost(int code) { return code == 106 || code == 107 || code == 119; }

// Reads may be repeated after a transient failure; writes never are (a timed-out create may have
// happened: the caller reads the state back instead). Compound requests are not retried here: the
// usage sync re-reads failed batches itself.
bool isRetryableRead(const std::string& api, const std::string& method) {
  if (api == "SYNO.Entry.Request") return false;
  return method == "list" || method == "get" || method == "getinfo" || method == "query" || method == "status";
}

// Transport failures a second try can cure: no answer, a reset, a 5xx, a proxy's HTML page, DSM's own
// "system busy / network unstable" codes (dsm-api.md §2, 109-111, 117, 118), and "another administrator
// is editing" (3112/3113 of the user and group APIs).
bool isTransient(const DsmError& e) {
  const auto& c = e.code();
  if (c == "dsm_timeout" || c == "dsm_unreachable" || c == "dsm_protocol") return true;
  const int d = e.dsmCode();
  return d == 109 || d == 110 || d == 111 || d == 117 || d == 118 || c == "dsm_busy";
}

constexpr int kReadAttempts = 3;                           // the first try and two retries
constexpr std::chrono::milliseconds kReadBackoff[] = {std::chrono::milliseconds(200),
                                                      std::chrono::milliseconds(800)};

// Auth and Info take their values as they are (their Info entries carry no requestFormat:"JSON"), so
// a JSON-quoted account name would reach DSM with its quotes. Every other API gets JSON values.
bool takesRawValues(const std::string& api) { return api == kAuthApi || api == kInfoApi || api == "SYNO.API.OTP"; }

std::string formValue(const json& value, bool json_values) {
  if (!json_values && value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// application/x-www-form-urlencoded: RFC 3986 unreserved characters stay, everything else is %XX.
std::string urlEncode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

using FormFields = std::vector<std::pair<std::string, std::string>>;

std::string encodeForm(const FormFields& fields) {
  std::string body;
  for (const auto& [key, value] : fields) {
    if (!body.empty()) body += '&';
    body += urlEncode(key) + '=' + urlEncode(value);
  }
  return body;
}

// The request as the module log shows it: decoded "k=v&k2=v2", before masking.
std::string formForRecord(const FormFields& fields) {
  std::string text;
  for (const auto& [key, value] : fields) {
    if (!text.empty()) text += '&';
    text += key + '=' + value;
  }
  return text;
}

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool containsIgnoreCase(const std::vector<std::string>& names, const std::string& name) {
  const std::string wanted = lowercase(name);
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return lowercase(n) == wanted; });
}

const json kUserFields = json::array({"email", "description", "expired", "uid"});

double elapsedMs(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

std::string joinNames(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& n : names) text += (text.empty() ? "" : ", ") + n;
  return text;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Construction

HttpClient::HttpClient(Endpoint endpoint)
    : endpoint_(std::move(endpoint)), transport_(std::make_unique<detail::Transport>(endpoint_)) {}

HttpClient::~HttpClient() = default;

std::shared_ptr<Client> makeHttpClient(const Endpoint& endpoint) { return std::make_shared<HttpClient>(endpoint); }

ClientPool::Factory httpClientFactory() {
  return [](const Endpoint& e) { return makeHttpClient(e); };
}

// ---------------------------------------------------------------------------------------------------
// One HTTP request

HttpClient::Reply HttpClient::send(const std::string& path, const std::string& api, const std::string& method,
                                   int version, const json& params, const Session* session, bool json_values) {
  FormFields fields{{"api", api}, {"version", std::to_string(version)}, {"method", method}};
  std::vector<std::string> secrets{endpoint_.password};
  for (const auto& [key, value] : params.items()) {
    fields.emplace_back(key, formValue(value, json_values));
    if (isSecretKey(key) && value.is_string()) secrets.push_back(value.get<std::string>());
  }
  std::vector<std::pair<std::string, std::string>> headers;
  if (session != nullptr) {
    fields.emplace_back("_sid", session->sid);
    secrets.push_back(session->sid);
    if (!session->synotoken.empty()) {
      fields.emplace_back("SynoToken", session->synotoken);
      headers.emplace_back("X-SYNO-TOKEN", session->synotoken);
      secrets.push_back(session->synotoken);
    }
  }

  CallRecord record;
  record.api = api;
  record.method = method;
  record.version = version;
  record.request = scrubSecretValues(maskFormSecrets(formForRecord(fields)), secrets);

  const auto start = std::chrono::steady_clock::now();
  detail::HttpReply http;
  try {
    http = transport_->postForm("/webapi/" + path, encodeForm(fields), headers);
  } catch (const DsmError& e) {
    record.elapsed_ms = elapsedMs(start);
    record.response = e.what();
    CallRecorder::record(std::move(record));
    spdlog::debug("DSM {} {} v{} at {}: {} after {:.1f} ms", api, method, version, endpoint_.baseUrl(), e.code(),
                  elapsedMs(start));
    throw;
  }
  record.elapsed_ms = elapsedMs(start);
  record.http_status = http.status;
  json body = json::parse(http.body, nullptr, false);
  // The login answer carries the new sid: scrub it too (the key masking already covers it).
  if (body.is_object() && body.contains("data")) {
    for (const char* key : {"sid", "synotoken", "device_id", "did"}) {
      const std::string value = stringField(body["data"], key);
      if (!value.empty()) secrets.push_back(value);
    }
  }
  record.response = truncateUtf8(scrubSecretValues(maskJsonSecrets(http.body), secrets), kMaxRecordedResponse);
  CallRecorder::record(std::move(record));

  const bool envelope_ok = body.is_object() && body.contains("success") && body["success"].is_boolean();
  std::string outcome = "not DSM JSON";
  if (envelope_ok)
    outcome = body["success"].get<bool>() ? "ok" : "error " + stringField(body.value("error", json::object()), "code");
  spdlog::debug("DSM {} {} v{} at {}: HTTP {} {} in {:.1f} ms", api, method, version, endpoint_.baseUrl(), http.status,
                outcome, elapsedMs(start));
  return decodeReply(endpoint_.baseUrl(), api, method, http.status, http.body, body);
}

// ---------------------------------------------------------------------------------------------------
// Discovery

std::shared_ptr<const HttpClient::ApiTable> HttpClient::apis() {
  {
    std::lock_guard<std::mutex> lock(apis_mutex_);
    if (apis_) return apis_;
  }
  return discover();
}

std::shared_ptr<const HttpClient::ApiTable> HttpClient::discover() {
  std::lock_guard<std::mutex> lock(apis_mutex_);  // concurrent callers wait for one discovery
  if (apis_) return apis_;
  const json params = {{"query", "all"}};
  Reply reply;
  try {
    reply = send("query.cgi", kInfoApi, "query", 1, params, nullptr, false);
  } catch (const DsmError& e) {
    // DSM 7 reports Info on entry.cgi; a build without query.cgi answers 404 or an HTML page there.
    if (e.code() != "dsm_protocol") throw;
    spdlog::debug("DSM at {}: query.cgi unusable, trying entry.cgi", endpoint_.baseUrl());
    reply = send("entry.cgi", kInfoApi, "query", 1, params, nullptr, false);
  }
  if (!reply.success) throw errorFor(kInfoApi, "query", reply.code);

  apis_ = std::make_shared<ApiTable>(decodeApiTable(endpoint_.baseUrl(), reply.data));
  return apis_;
}

bool HttpClient::hasApi(const std::string& api) { return apis()->count(api) > 0; }

HttpClient::ApiInfo HttpClient::requireApi(const std::string& api, int version, const std::string& method) {
  auto table = apis();
  auto it = table->find(api);
  if (it == table->end()) {
    throw DsmError("dsm_api",
                   "The NAS at " + endpoint_.baseUrl() + " does not offer the DSM API " + api + " (needed for " +
                       method + "). puqSynology needs DSM 7 with the standard Control Panel APIs.",
                   api, method);
  }
  if (version < it->second.min_version || version > it->second.max_version) {
    throw DsmError("dsm_api",
                   "The NAS at " + endpoint_.baseUrl() + " offers " + api + " in versions " +
                       std::to_string(it->second.min_version) + " to " + std::to_string(it->second.max_version) +
                       ", but " + method + " needs version " + std::to_string(version) + ".",
                   api, method);
  }
  return it->second;
}

// ---------------------------------------------------------------------------------------------------
// Session: one per client, single-flight login

HttpClient::Session HttpClient::obtainSession(const Session* expired) {
  std::unique_lock<std::mutex> lock(session_mutex_);
  while (login_running_) {
    login_finished_.wait(lock);
    if (!login_running_) {
      // Share the outcome of the login we waited for; repeated wrong-password logins get the IP
      // blocked, and a renewed session serves every caller that lost the old one.
      if (session_) return *session_;
      if (last_login_error_) std::rethrow_exception(last_login_error_);
    }
  }
  if (session_ && (expired == nullptr || session_->attempt != expired->attempt)) return *session_;

  session_.reset();
  login_running_ = true;
  const uint64_t attempt = ++login_attempts_;
  lock.unlock();
  try {
    Session session = login(attempt);
    lock.lock();
    session_ = session;
    last_login_error_ = nullptr;
    login_running_ = false;
    login_finished_.notify_all();
    return session;
  } catch (...) {
    if (!lock.owns_lock()) lock.lock();
    last_login_error_ = std::current_exception();
    login_running_ = false;
    login_finished_.notify_all();
    throw;
  }
}

HttpClient::Session HttpClient::login(uint64_t attempt) {
  auto table = apis();
  const ApiInfo& auth = table->at(kAuthApi);
  // The highest version Info offers: on DSM 7 writes need a sid minted with Auth v7.
  const int version = auth.max_version;
  const json params = {{"account", endpoint_.username},
                       {"passwd", endpoint_.password},
                       {"session", kSessionName},
                       {"format", "sid"},
                       {"enable_syno_token", "yes"}};
  Reply reply = send(auth.path, kAuthApi, "login", version, params, nullptr, false);
  if (!reply.success) throw errorFor(kAuthApi, "login", reply.code);
  Session session;
  session.sid = stringField(reply.data, "sid");
  session.synotoken = stringField(reply.data, "synotoken");
  session.auth_version = version;
  session.auth_path = auth.path;
  session.attempt = attempt;
  if (session.sid.empty()) {
    throw DsmError("dsm_protocol",
                   "The NAS at " + endpoint_.baseUrl() + " accepted the login but returned no session id.", kAuthApi,
                   "login");
  }
  spdlog::debug("DSM login to {} as {} (Auth v{})", endpoint_.baseUrl(), endpoint_.username, version);
  return session;
}

void HttpClient::logout() noexcept {
  std::optional<Session> session;
  {
    std::lock_guard<std::mutex> lock(session_mutex_);
    session.swap(session_);
  }
  if (!session) return;
  try {
    send(session->auth_path, kAuthApi, "logout", session->auth_version, {{"session", kSessionName}}, &*session, false);
  } catch (const std::exception& e) {
    spdlog::debug("DSM logout from {} failed: {}", endpoint_.baseUrl(), e.what());
  } catch (...) {
  }
}

// ---------------------------------------------------------------------------------------------------
// Calls

HttpClient::Reply HttpClient::callWithSession(const std::string& api, const std::string& method, int version,
                                              const json& params) {
  const ApiInfo info = requireApi(api, version, method);
  const bool json_values = !takesRawValues(api);
  const int attempts = isRetryableRead(api, method) ? kReadAttempts : 1;
  for (int attempt = 1;; ++attempt) {
    try {
      Session session = obtainSession(nullptr);
      Reply reply = send(info.path, api, method, version, params, &session, json_values);
      if (!reply.success && isSessionLost(reply.code)) {
        // At most one re-login per call, shared with every caller that lost the same session.
        spdlog::debug("DSM session at {} lost (code {}), logging in again", endpoint_.baseUrl(), reply.code);
        session = obtainSession(&session);
        reply = send(info.path, api, method, version, params, &session, json_values);
      }
      if (!reply.success && attempt < attempts && isTransient(errorFor(api, method, reply.code))) {
        spdlog::info("DSM {} {} at {}: busy (code {}), retrying", api, method, endpoint_.baseUrl(), reply.code);
      } else {
        return reply;
      }
    } catch (const DsmError& e) {
      if (attempt >= attempts || !isTransient(e)) throw;
      spdlog::info("DSM {} {} at {}: {} ({}), retrying in {} ms", api, method, endpoint_.baseUrl(), e.code(),
                   e.what(), kReadBackoff[attempt - 1].count());
    }
    std::this_thread::sleep_for(kReadBackoff[attempt - 1]);
  }
}

json HttpClient::callOrThrow(const std::string& api, const std::string& method, int version, const json& params) {
  Reply reply = callWithSession(api, method, version, params);
  if (!reply.success) throw errorFor(api, method, reply.code);
  return reply.data;
}

HttpClient::Reply HttpClient::callReply(const std::string& api, const std::string& method, const json& params,
                                        int version) {
  if (version == 0) {
    auto table = apis();
    auto it = table->find(api);
    version = it != table->end() ? it->second.max_version : 1;
  }
  return callWithSession(api, method, version, params.is_null() ? json::object() : params);
}

json HttpClient::call(const std::string& api, const std::string& method, const json& params, int version) {
  Reply reply = callReply(api, method, params, version);
  if (!reply.success) throw errorFor(api, method, reply.code);
  return reply.data;
}

DsmError HttpClient::errorFor(const std::string& api, const std::string& method, int code) const {
  const std::string where =
      " (DSM error " + std::to_string(code) + " on " + api + " " + method + " at " + endpoint_.baseUrl() + ")";
  const std::string account = "'" + endpoint_.username + "'";
  if (api == kAuthApi) {
    switch (code) {
      case 400:
        return DsmError("dsm_auth",
                        "DSM rejected the login of " + account +
                            ": no such account or incorrect password. Check the username and password of the "
                            "server in WHMCS." +
                            where,
                        api, method, code);
      case 401:
        return DsmError("dsm_auth",
                        "The DSM account " + account +
                            " is disabled. Enable it on the NAS or use another administrator account for the "
                            "server in WHMCS." +
                            where,
                        api, method, code);
      case 402:
        return DsmError("dsm_auth", "DSM denied the login of " + account + ": permission denied." + where, api, method,
                        code);
      case 403:
      case 404:
      case 406:
        return DsmError("dsm_otp",
                        "The DSM account " + account +
                            " has 2-step verification; use an account without it for the server in WHMCS." + where,
                        api, method, code);
      case 407:
        return DsmError("dsm_auth",
                        "DSM blocks logins from this IP address (too many failed logins). Unblock it on the NAS "
                        "(Control Panel > Security > Protection) and check the password of the server in WHMCS." +
                            where,
                        api, method, code);
      case 408:
      case 409:
      case 410:
      case 411:
        return DsmError("dsm_auth",
                        "The DSM account " + account + " cannot log in: " + describeDsmCode(api, code) +
                            ". Sign in to DSM as this account once to fix it, then update the password of the "
                            "server in WHMCS." +
                            where,
                        api, method, code);
      default:
        break;
    }
  }
  if (code == 105) {
    return DsmError("dsm_permission",
                    "The DSM account " + account + " may not call " + api + " " + method +
                        ": it must be a member of the administrators group." + where,
                    api, method, code);
  }
  if ((code == 3112 || code == 3113) && (api.rfind(kUserApi, 0) == 0 || api.rfind("SYNO.Core.Group", 0) == 0)) {
    return DsmError("dsm_busy",
                    "The NAS is busy: another administrator is changing users or groups in DSM right now (" + api +
                        " " + method + " was refused with DSM error " + std::to_string(code) +
                        ", nothing was changed). Try again in a minute; retrying is safe." + where,
                    api, method, code);
  }
  if (code == 3107 && api.rfind(kUserApi, 0) == 0) {
    return DsmError("dsm_user_exists", "The DSM user already exists." + where, api, method, code);
  }
  return DsmError("dsm_api", api + " " + method + " failed: " + describeDsmCode(api, code) + "." + where, api, method,
                  code);
}

// ---------------------------------------------------------------------------------------------------
// System

DsmInfo HttpClient::info() {
  const json data = callOrThrow("SYNO.DSM.Info", "getinfo", 2, json::object());
  return decodeInfo(data);
}

bool HttpClient::isAdministrator() {
  const Reply reply = callWithSession(kUserApi, "list", 1, {{"type", "local"}, {"offset", 0}, {"limit", 1}});
  if (reply.success) return true;
  if (reply.code == 105) return false;
  throw errorFor(kUserApi, "list", reply.code);
}

// ---------------------------------------------------------------------------------------------------
// Users

std::vector<User> HttpClient::listUsers() {
  const json data =
      callOrThrow(kUserApi, "list", 1, {{"type", "local"}, {"offset", 0}, {"limit", -1}, {"additional", kUserFields}});
  return decodeUsers(data);
}

std::optional<User> HttpClient::getUser(const std::string& name) {
  const Reply reply = callWithSession(kUserApi, "get", 1, {{"name", name}, {"additional", kUserFields}});
  if (!reply.success) {
    if (reply.code == 3106) return std::nullopt;
    throw errorFor(kUserApi, "get", reply.code);
  }
  const json& users = arrayField(reply.data, "users");
  if (users.empty()) return std::nullopt;
  return decodeUser(users.front());
}

User HttpClient::createUser(const NewUser& user) {
  const json params = {{"name", user.name},           {"password", user.password}, {"description", user.description},
                       {"email", user.email},         {"expired", "normal"},       {"cannot_chg_passwd", false},
                       {"passwd_never_expire", true}, {"notify_by_email", false},  {"send_password", false}};
  const json data = callOrThrow(kUserApi, "create", 1, params);
  User created;
  created.name = data.contains("name") ? stringField(data, "name") : user.name;
  created.uid = intField(data, "uid", -1);
  created.description = user.description;
  created.email = user.email;
  created.expired = "normal";
  return created;
}

DeleteResult HttpClient::deleteUser(const std::string& name) {
  // Find the user first: what DSM's delete answers for a missing name is not documented, and get
  // has been seen answering a false 3106, so a 3106 is confirmed with a (case-insensitive) list scan.
  std::string exact_name = name;
  if (!getUser(name)) {
    const std::string wanted = lowercase(name);
    const std::vector<User> users = listUsers();
    auto it = std::find_if(users.begin(), users.end(), [&](const User& u) { return lowercase(u.name) == wanted; });
    if (it == users.end()) return DeleteResult::NotFound;
    exact_name = it->name;
  }
  const Reply reply = callWithSession(kUserApi, "delete", 1, {{"name", json::array({exact_name})}});
  if (!reply.success) {
    if (reply.code == 3106) return DeleteResult::NotFound;
    throw errorFor(kUserApi, "delete", reply.code);
  }
  // A success carries errors:[3102] even when the user is gone (harmless); 3106 there means not found.
  if (errorsContain(reply.data, 3106)) return DeleteResult::NotFound;
  return DeleteResult::Deleted;
}

void HttpClient::setUserExpired(const std::string& name, const std::string& expired) {
  callOrThrow(kUserApi, "set", 1, {{"name", name}, {"expired", expired}});
}

void HttpClient::setUserPassword(const std::string& name, const std::string& password) {
  // Only name and password: stray fields in set can flip other attributes.
  callOrThrow(kUserApi, "set", 1, {{"name", name}, {"password", password}});
}

PasswordPolicy HttpClient::passwordPolicy() {
  if (!hasApi(kPolicyApi)) return PasswordPolicy{};
  return decodePasswordPolicy(callOrThrow(kPolicyApi, "get", 1, json::object()));
}

// ---------------------------------------------------------------------------------------------------
// Groups

std::vector<Group> HttpClient::listGroups() {
  const json data =
      callOrThrow(kGroupApi, "list", 1, {{"type", "local"}, {"offset", 0}, {"limit", -1}, {"name_only", false}});
  return decodeGroups(data);
}

std::vector<std::string> HttpClient::listGroupMembers(const std::string& group) {
  const json data =
      callOrThrow(kMemberApi, "list", 1, {{"group", group}, {"offset", 0}, {"limit", -1}, {"ingroup", true}});
  return decodeMemberNames(data);
}

std::vector<std::string> HttpClient::verifiedMembers(const std::string& group, const std::vector<std::string>& names,
                                                     bool expect_present, const std::string& method) {
  const std::vector<std::string> members = listGroupMembers(group);
  std::vector<std::string> wrong;
  for (const auto& name : names) {
    if (containsIgnoreCase(members, name) != expect_present) wrong.push_back(name);
  }
  if (!wrong.empty()) {
    throw DsmError("dsm_api",
                   "DSM answered success to " + std::string(kMemberApi) + " " + method + " but " + joinNames(wrong) +
                       (expect_present ? " are still not members of " : " are still members of ") + "the group '" +
                       group + "' on " + endpoint_.baseUrl() + ".",
                   kMemberApi, method);
  }
  return members;
}

void HttpClient::addGroupMembers(const std::string& group, const std::vector<std::string>& names) {
  if (names.empty()) return;
  callOrThrow(kMemberApi, "add", 1, {{"group", group}, {"name", names}});
  verifiedMembers(group, names, true, "add");  // add answers success even when it did nothing
}

void HttpClient::removeGroupMembers(const std::string& group, const std::vector<std::string>& names) {
  if (names.empty()) return;
  callOrThrow(kMemberApi, "remove", 1, {{"group", group}, {"name", names}});
  verifiedMembers(group, names, false, "remove");
}

std::vector<std::string> HttpClient::userGroups(const std::string& name) {
  const json data = callOrThrow("SYNO.Core.User.Group", "get", 1, {{"name", name}});
  return decodeUserGroups(data);
}

// ---------------------------------------------------------------------------------------------------
// Home service

HomeService HttpClient::homeService() {
  const json data = callOrThrow(kHomeApi, "get", 1, json::object());
  return decodeHomeService(data);
}

void HttpClient::enableHomeService(const std::string& location) {
  const json current = callOrThrow(kHomeApi, "get", 1, json::object());
  if (boolField(current, "enable") && stringField(current, "location") == location) return;
  const json data = callOrThrow(kHomeApi, "set", 1,
                                {{"enable", true},
                                 {"location", location},
                                 {"enable_recycle_bin", boolField(current, "enable_recycle_bin", true)}});
  // On real hardware set may run as a task: poll status until it finishes.
  const std::string task_id = stringField(data, "task_id");
  if (task_id.empty()) return;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(endpoint_.timeout_ms, 1000) * 2);
  while (std::chrono::steady_clock::now() < deadline) {
    const json status = callOrThrow(kHomeApi, "status", 1, {{"task_id", task_id}});
    if (boolField(status, "finish", true)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  throw DsmError("dsm_timeout",
                 "Enabling the user home service on " + endpoint_.baseUrl() + " did not finish in time (task " +
                     task_id + "). Check Control Panel > User & Group > Advanced on the NAS.",
                 kHomeApi, "set");
}

// ---------------------------------------------------------------------------------------------------
// Usage and compound

json HttpClient::compound(const json& requests, bool parallel, bool stop_when_error) {
  if (!requests.is_array()) throw BadRequest("compound(): requests must be a JSON array");
  const json data = callOrThrow(
      kCompoundApi, "request", 1,
      {{"mode", parallel ? "parallel" : "sequential"}, {"stop_when_error", stop_when_error}, {"compound", requests}});
  if (!data.is_object() || !data.contains("result") || !data["result"].is_array()) {
    throw DsmError("dsm_protocol",
                   "The NAS at " + endpoint_.baseUrl() + " answered SYNO.Entry.Request without data.result.",
                   kCompoundApi, "request");
  }
  return data["result"];
}


namespace {

// Usage requests in flight across ALL NAS of this daemon. Per NAS the bound is max_in_flight; this one
// keeps 20 parallel UsageUpdate calls (a cron with many servers) from opening 20 x max_in_flight TLS
// connections at once, which on a small host costs memory and CPU without making the round faster
// (docs/performance.md).
class UsageRequestSlots {
 public:
  static constexpr size_t kCapacity = 8;
  void acquire() {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [this] { return used_ < kCapacity; });
    ++used_;
  }
  void release() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --used_;
    }
    cv_.notify_one();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  size_t used_ = 0;
};

UsageRequestSlots& usageRequestSlots() {
  static UsageRequestSlots slots;
  return slots;
}

struct UsageSlot {
  UsageSlot() { usageRequestSlots().acquire(); }
  ~UsageSlot() { usageRequestSlots().release(); }
  UsageSlot(const UsageSlot&) = delete;
  UsageSlot& operator=(const UsageSlot&) = delete;
};

}  // namespace

std::vector<UserUsage> HttpClient::usage(const std::vector<std::string>& names, size_t batch_size,
                                         size_t max_in_flight) {
  if (names.empty()) return {};
  batch_size = std::max<size_t>(batch_size, 1);
  max_in_flight = std::max<size_t>(max_in_flight, 1);
  requireApi(kQuotaApi, 1, "get");
  requireApi(kCompoundApi, 1, "request");
  obtainSession(nullptr);  // log in once here, not racing from every worker

  std::vector<UserUsage> results(names.size());
  const size_t batches = (names.size() + batch_size - 1) / batch_size;
  auto runBatch = [&](size_t batch) {
    const size_t begin = batch * batch_size;
    const size_t end = std::min(names.size(), begin + batch_size);
    json requests = json::array();
    for (size_t i = begin; i < end; ++i) {
      requests.push_back(
          {{"api", kQuotaApi}, {"method", "get"}, {"version", 1}, {"name", names[i]}, {"support_share_quota", true}});
    }
    json result;
    {
      UsageSlot slot;
      result = compound(requests, true, false);
    }
    if (result.size() != end - begin) {
      throw DsmError("dsm_protocol",
                     "The NAS at " + endpoint_.baseUrl() + " answered " + std::to_string(result.size()) +
                         " results to a compound request of " + std::to_string(end - begin) + ".",
                     kCompoundApi, "request");
    }
    for (size_t i = begin; i < end; ++i) results[i] = decodeUsage(names[i], result[i - begin]);
  };

  const size_t workers = std::min(max_in_flight, batches);
  if (workers == 1) {
    for (size_t b = 0; b < batches; ++b) runBatch(b);
    return results;
  }

  // Workers pull batch numbers; each request uses its own pooled connection. CallRecorders are per
  // thread, so each worker records into its own and the records are handed to the caller's after.
  std::atomic<size_t> next_batch{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::exception_ptr first_error;
  std::vector<std::vector<CallRecord>> worker_records(workers);
  std::vector<std::thread> threads;
  threads.reserve(workers);
  for (size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      CallRecorder recorder;
      for (size_t b = next_batch++; b < batches && !failed; b = next_batch++) {
        try {
          runBatch(b);
        } catch (...) {
          std::lock_guard<std::mutex> lock(error_mutex);
          if (!first_error) first_error = std::current_exception();
          failed = true;
        }
      }
      worker_records[w] = recorder.records();
    });
  }
  for (auto& t : threads) t.join();
  for (auto& records : worker_records) {
    for (auto& r : records) CallRecorder::record(std::move(r));
  }
  if (first_error) std::rethrow_exception(first_error);
  return results;
}

}  // namespace puq::dsm
