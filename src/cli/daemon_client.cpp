// The command line's signed client for the daemon's API.
#include "puq/cli/daemon_client.hpp"

#include <httplib.h>

#include "puq/common/auth.hpp"

namespace puq::cli {

std::string connectHost(const std::string& listen_address) {
  if (listen_address == "0.0.0.0" || listen_address.empty()) return "127.0.0.1";
  if (listen_address == "::" || listen_address == "[::]") return "::1";
  return listen_address;
}

DaemonClient::DaemonClient(std::string host, int port, std::string secret, std::string config_path)
    : host_(std::move(host)), port_(port), secret_(std::move(secret)), config_path_(std::move(config_path)) {}

DaemonClient DaemonClient::fromConfig(const Config& config, std::string secret) {
  return DaemonClient(connectHost(config.daemon.listen_address), config.daemon.listen_port, std::move(secret),
                      config.source_path);
}

std::string DaemonClient::baseUrl() const {
  const bool v6 = host_.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_);
}

nlohmann::json DaemonClient::call(const std::string& method, const std::string& path, const nlohmann::json& body,
                                  int timeout_s) const {
  const std::string payload = method == "GET" ? std::string() : body.dump();
  const std::string ts = std::to_string(systemNow());
  const std::string nonce = randomNonce();
  httplib::Headers headers{{"X-Puq-Timestamp", ts},
                           {"X-Puq-Nonce", nonce},
                           {"X-Puq-Signature", signRequest(secret_, ts, nonce, method, path, payload)}};
  httplib::Client http(host_, port_);
  http.set_connection_timeout(5, 0);
  http.set_read_timeout(timeout_s, 0);
  http.set_write_timeout(30, 0);
  http.set_keep_alive(false);
  auto res = method == "GET" ? http.Get(path.c_str(), headers)
                             : http.Post(path.c_str(), headers, payload, "application/json");
  if (!res) {
    const auto error = res.error();
    if (error == httplib::Error::Read)
      throw CliError("puq-synologyd at " + baseUrl() + " did not answer " + method + " " + path + " within " +
                     std::to_string(timeout_s) + " s; see the daemon log (journalctl -u puq-synologyd)");
    std::string why = httplib::to_string(error);
    if (error == httplib::Error::Connection) why = "connection refused";
    if (error == httplib::Error::ConnectionTimeout) why = "connection timed out";
    throw CliError("cannot reach puq-synologyd at " + baseUrl() + " (" + why +
                   "): is the daemon running (systemctl status puq-synologyd)? The address comes from "
                   "[daemon] listen_address and listen_port in " + config_path_);
  }
  auto answer = nlohmann::json::parse(res->body, nullptr, false);
  if (res->status == 200) {
    if (answer.is_discarded())
      throw CliError("puq-synologyd at " + baseUrl() + " answered " + path + " with something that is not JSON");
    return answer;
  }
  std::string code, message;
  if (answer.is_object() && answer.contains("error") && answer["error"].is_object()) {
    code = answer["error"].value("code", "");
    message = answer["error"].value("message", "");
  }
  if (res->status == 401)
    throw CliError("the daemon refused the request: " + message + " The command signs with the secret file "
                   "named by [daemon] secret_file in " + config_path_ + ": it must be the file the running daemon "
                   "uses, and this machine's clock must be right.");
  if (res->status == 404 && code == "not_found")
    throw CliError("the running daemon does not know " + method + " " + path +
                   ": it is older than this command; restart it after the upgrade (systemctl restart "
                   "puq-synologyd)");
  if (message.empty()) message = "HTTP " + std::to_string(res->status);
  throw CliError(message + (code.empty() ? "" : " (" + code + ")"));
}

}  // namespace puq::cli
