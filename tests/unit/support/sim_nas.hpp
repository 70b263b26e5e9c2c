#pragma once
// puq::testing::SimNas: an in-process dsm-sim on free ports plus helpers for its control endpoint, for
// tests above the DSM client (provisioning, api). HTTP only unless asked: TLS is the DSM client's tests'
// business, and plain HTTP keeps these tests fast.
//
//   puq::testing::SimNas nas;                       // started, groups "10G" and "100G" seeded
//   auto client = nas.client();                     // a dsm::HttpClient logged in as the sim admin
//   nas.control("/faults", {{"fail", ...}});        // POST /control/faults
//   nlohmann::json user = nas.user("alice");        // from GET /control/state, null when missing
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "puq/dsm/http_client.hpp"
#include "puq/sim/simulator.hpp"

namespace puq::testing {

class SimNas {
 public:
  explicit SimNas(bool with_https = false) : sim_(options(with_https)) {
    sim_.start();
    control("/groups", {{"groups",
                         {{{"name", "10G"}, {"description", "10 GB on homes"}},
                          {{"name", "100G"}, {"description", "100 GB on homes"}}}}});
  }

  puq::dsm::Endpoint endpoint(int64_t server_id = 1) const {
    puq::dsm::Endpoint e;
    e.server_id = server_id;
    e.host = "127.0.0.1";
    e.port = sim_.httpPort();
    e.https = false;
    e.username = "puqadmin";
    e.password = "Adm1n-Passw0rd";
    e.timeout_ms = 10000;
    return e;
  }

  std::shared_ptr<puq::dsm::Client> client(int64_t server_id = 1) const {
    return puq::dsm::makeHttpClient(endpoint(server_id));
  }

  nlohmann::json control(const std::string& path, const nlohmann::json& body = nlohmann::json::object()) {
    httplib::Client http("127.0.0.1", sim_.httpPort());
    auto res = http.Post(("/control" + path).c_str(), body.dump(), "application/json");
    if (!res || res->status != 200)
      throw std::runtime_error("sim control " + path + " failed: " + (res ? res->body : "no answer"));
    return nlohmann::json::parse(res->body);
  }

  nlohmann::json state() const {
    httplib::Client http("127.0.0.1", sim_.httpPort());
    auto res = http.Get("/control/state");
    if (!res || res->status != 200) throw std::runtime_error("sim control /state failed");
    return nlohmann::json::parse(res->body);
  }

  // The user as the simulator holds it (name compared case-insensitively), or null.
  nlohmann::json user(const std::string& name) const {
    const nlohmann::json all = state();  // keep the document alive while iterating over a part of it
    for (const auto& u : all["users"]) {
      std::string a = u["name"], b = name;
      for (auto& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (auto& c : b) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (a == b) return u;
    }
    return nullptr;
  }

  size_t userCount() const { return state()["users"].size(); }

  // Logs in as `name` with `password` (SYNO.API.Auth v7): true when DSM accepts the credentials.
  bool canLogin(const std::string& name, const std::string& password) const {
    httplib::Client http("127.0.0.1", sim_.httpPort());
    httplib::Params form{{"api", "SYNO.API.Auth"}, {"version", "7"},        {"method", "login"},
                         {"account", name},       {"passwd", password},    {"session", "test"},
                         {"format", "sid"}};
    auto res = http.Post("/webapi/entry.cgi", form);
    return res && res->status == 200 && nlohmann::json::parse(res->body).value("success", false);
  }

  puq::sim::Simulator& sim() { return sim_; }

 private:
  static puq::sim::Options options(bool with_https) {
    puq::sim::Options o;
    o.http_port = 0;
    o.https_port = with_https ? 0 : -1;
    return o;
  }
  puq::sim::Simulator sim_;
};

}  // namespace puq::testing
