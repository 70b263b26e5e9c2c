// The bounded worker pool: past [daemon] max_queued_requests waiting connections, requests are
// answered 503 "overloaded" without running, and the ones already accepted still finish.
#include <httplib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <thread>

#include "puq/api/server.hpp"
#include "puq/api/task_queue.hpp"
#include "puq/common/auth.hpp"
#include "puq/common/metrics.hpp"

using namespace puq;
using nlohmann::json;

namespace {

const std::string kSecret = "overload-secret-0123456789-abcdefghijklmnopqrstuvw";

// A one-shot gate the blocked handlers wait on.
struct Gate {
  std::promise<void> promise;
  std::shared_future<void> future = promise.get_future().share();
  void open() { promise.set_value(); }
  void wait() const { future.wait(); }
};

httplib::Result signedPost(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(20, 0);
  const std::string ts = std::to_string(std::time(nullptr)), nonce = randomNonce(), body = "{}";
  httplib::Headers headers{{"X-Puq-Timestamp", ts},
                           {"X-Puq-Nonce", nonce},
                           {"X-Puq-Signature", signRequest(kSecret, ts, nonce, "POST", path, body)}};
  return client.Post(path.c_str(), headers, body, "application/json");
}

}  // namespace

TEST_CASE("BoundedTaskQueue runs up to max_queued waiting jobs and hands the rest to refusing threads",
          "[api][overload]") {
  api::BoundedTaskQueue queue(1, 1, 1);
  Gate gate;
  std::atomic<bool> first_started{false};
  std::promise<bool> first_refusing, second_refusing, third_refusing;
  queue.enqueue([&] {
    first_refusing.set_value(api::BoundedTaskQueue::refusingOnThisThread());
    first_started = true;
    gate.wait();
  });
  while (!first_started) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  queue.enqueue([&] { second_refusing.set_value(api::BoundedTaskQueue::refusingOnThisThread()); });
  CHECK(queue.queued() == 1);
  queue.enqueue([&] { third_refusing.set_value(api::BoundedTaskQueue::refusingOnThisThread()); });
  // The third runs at once on the refusing thread, while the worker is still blocked.
  auto third = third_refusing.get_future();
  REQUIRE(third.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  CHECK(third.get());
  CHECK(queue.refusedConnections() == 1);
  CHECK(queue.queued() == 1);
  gate.open();
  CHECK_FALSE(first_refusing.get_future().get());
  CHECK_FALSE(second_refusing.get_future().get());
  queue.shutdown();
  CHECK(queue.queued() == 0);
}

TEST_CASE("A full daemon answers 503 overloaded at once, runs nothing, and finishes what it accepted",
          "[api][overload]") {
  Config config;
  config.daemon.listen_address = "127.0.0.1";
  config.daemon.listen_port = 0;
  config.daemon.worker_threads = 1;
  config.daemon.max_queued_requests = 1;
  Gate gate;
  std::atomic<int> slow_started{0}, quick_runs{0};
  std::vector<api::Route> routes;
  routes.push_back({"POST", "/v1/slow", [&](const json&) {
                      ++slow_started;
                      gate.wait();
                      return json{{"ok", true}};
                    }});
  routes.push_back({"POST", "/v1/quick", [&](const json&) {
                      ++quick_runs;
                      return json{{"ok", true}};
                    }});
  api::ApiServer server(config, kSecret, routes);
  const int port = server.bind();
  std::thread serving([&] { server.serve(); });

  auto first = std::async(std::launch::async, [&] { return signedPost(port, "/v1/slow"); });
  while (slow_started == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto second = std::async(std::launch::async, [&] { return signedPost(port, "/v1/slow"); });
  // Let the accept loop queue the second connection before the third arrives.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  const double refused_before = metrics::standard().http_requests.value({"overloaded", "503"});
  const auto refused = signedPost(port, "/v1/quick");
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK(refused->get_header_value("Retry-After") == "1");
  CHECK(refused->get_header_value("X-Content-Type-Options") == "nosniff");
  const auto body = json::parse(refused->body);
  CHECK(body["error"]["code"] == "overloaded");
  CHECK(body["error"]["message"].get<std::string>().find("was not run") != std::string::npos);
  CHECK(body["error"]["message"].get<std::string>().find("max_queued_requests") != std::string::npos);
  CHECK(quick_runs == 0);
  CHECK(metrics::standard().http_requests.value({"overloaded", "503"}) == refused_before + 1);  // /metrics

  gate.open();
  const auto a = first.get(), b = second.get();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->status == 200);
  CHECK(b->status == 200);
  CHECK(slow_started == 2);

  // With the workers free again, the same request runs.
  const auto again = signedPost(port, "/v1/quick");
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(quick_runs == 1);
  server.stop();
  serving.join();
}
