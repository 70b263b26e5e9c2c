#pragma once
// A simulator on free ports plus an httplib client that calls it the way a DSM client does.
#include <httplib.h>

#include <spdlog/spdlog.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "puq/sim/simulator.hpp"
#include "sim/json_shape.hpp"

namespace puq::test {

using nlohmann::json;

// The simulator logs at info; keep test output readable.
inline const bool kQuietLogs = [] {
  spdlog::set_level(spdlog::level::warn);
  return true;
}();
using RawParams = std::map<std::string, std::string>;

inline json loadFixture(const std::string& name) {
  std::ifstream in(std::string(PUQ_SOURCE_DIR) + "/tests/fixtures/dsm/" + name);
  REQUIRE(in.good());
  return json::parse(in);
}

// REQUIREs the shapes to match, printing every difference.
inline void requireShape(const json& expected, const json& actual) {
  auto diff = shapeDiff(expected, actual);
  std::string all;
  for (const auto& d : diff) all += d + "\n";
  INFO("actual: " << actual.dump() << "\n" << all);
  REQUIRE(diff.empty());
}

struct Reply {
  int status = 0;
  httplib::Headers headers;
  std::string raw;
  json body;  // discarded when the body is not JSON
  bool transport_error = false;
  int code() const { return body.contains("error") ? body["error"].value("code", 0) : 0; }
  bool ok() const { return body.is_object() && body.value("success", false); }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// The client rule of dsm-api.md §3: every value JSON-encoded, strings included.
inline RawParams jsonEncoded(const json& params) {
  RawParams out;
  for (const auto& [k, v] : params.items()) out[k] = v.dump();
  return out;
}

inline puq::sim::Options testOptions() {
  puq::sim::Options o;
  o.http_port = 0;
  o.https_port = 0;
  o.threads = 4;
  return o;
}

class SimHarness {
 public:
  explicit SimHarness(puq::sim::Options options = testOptions()) : options_(options), sim_(options) {
    sim_.start();
  }

  puq::sim::Simulator& sim() { return sim_; }
  const puq::sim::Options& options() const { return options_; }

  httplib::Client client() {
    httplib::Client c("127.0.0.1", sim_.httpPort());
    c.set_read_timeout(10, 0);
    c.set_connection_timeout(5, 0);
    return c;
  }

  static Reply toReply(const httplib::Result& res) {
    Reply r;
    if (!res) {
      r.transport_error = true;
      return r;
    }
    r.status = res->status;
    r.headers = res->headers;
    r.raw = res->body;
    r.body = json::parse(res->body, nullptr, false);
    return r;
  }

  Reply post(const std::string& path, const RawParams& form, const httplib::Headers& headers = {}) {
    httplib::Params p(form.begin(), form.end());
    auto c = client();
    return toReply(c.Post(path.c_str(), headers, p));
  }

  Reply get(const std::string& path, const RawParams& query, const httplib::Headers& headers = {}) {
    httplib::Params p(query.begin(), query.end());
    auto c = client();
    return toReply(c.Get(path.c_str(), p, headers));
  }

  // One API call on entry.cgi as POST, parameters JSON-encoded (the client rule).
  Reply call(const std::string& api, const std::string& method, int version, const json& params = json::object(),
             const std::string& sid = "", const std::string& path = "/webapi/entry.cgi") {
    RawParams form = jsonEncoded(params);
    form["api"] = api;
    form["method"] = method;
    form["version"] = std::to_string(version);
    if (!sid.empty()) form["_sid"] = sid;
    return post(path, form);
  }

  Reply login(const std::string& user, const std::string& password, int version = 7, RawParams extra = {}) {
    extra["api"] = "SYNO.API.Auth";
    extra["method"] = "login";
    extra["version"] = std::to_string(version);
    extra["account"] = user;
    extra["passwd"] = password;
    extra.emplace("session", "puqtest");
    extra.emplace("format", "sid");
    std::string path = options_.profile == "dsm6" ? "/webapi/auth.cgi" : "/webapi/entry.cgi";
    return post(path, extra);
  }

  // Logs in as the Options administrator with Auth v7 and returns the sid.
  std::string adminSid(int version = 7) {
    auto r = login(options_.admin_user, options_.admin_password, version);
    REQUIRE(r.ok());
    return r.body["data"]["sid"].get<std::string>();
  }

  json control(const std::string& path, const json& body = json::object(), bool post = true) {
    auto c = client();
    auto res = post ? c.Post(("/control/" + path).c_str(), body.dump(), "application/json")
                    : c.Get(("/control/" + path).c_str());
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 200);
    return json::parse(res->body);
  }

  json state() { return control("state", json::object(), false); }

 private:
  puq::sim::Options options_;
  puq::sim::Simulator sim_;
};

}  // namespace puq::test
