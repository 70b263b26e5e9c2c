#pragma once
// The daemon's worker pool: a fixed number of workers and a bounded wait queue.
//
// httplib 0.11's ThreadPool queues accepted connections without limit, so a burst of calls (or a
// local user opening connections in a loop) grows memory and latency without bound. Past
// `max_queued` waiting connections, a connection goes to a small pool of "refusing" threads instead;
// requests read there are answered 503 "overloaded" before any handler runs (see
// BoundedTaskQueue::refusingOnThisThread()), so the caller knows nothing was done and may retry.
#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace puq::api {

class BoundedTaskQueue : public httplib::TaskQueue {
 public:
  // `workers` >= 1 run requests; at most `max_queued` connections wait for one; `refusers` threads
  // answer the connections past that bound.
  BoundedTaskQueue(size_t workers, size_t max_queued, size_t refusers = 2);
  ~BoundedTaskQueue() override;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  // True on a refusing thread: the request being read must be answered 503 without running it.
  static bool refusingOnThisThread();

  // Connections waiting for a worker now (for /metrics and tests).
  size_t queued() const;
  // Connections handed to the refusing threads since start.
  size_t refusedConnections() const { return refused_.load(); }

 private:
  struct Lane {
    std::deque<std::function<void()>> jobs;
    std::condition_variable wake;
  };
  void run(Lane& lane, bool refusing);

  mutable std::mutex mutex_;
  Lane work_, refuse_;
  size_t max_queued_;
  bool shutdown_ = false;
  std::atomic<size_t> refused_{0};
  std::vector<std::thread> threads_;
};

}  // namespace puq::api
