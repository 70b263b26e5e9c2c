#include "puq/api/task_queue.hpp"

#include <algorithm>

namespace puq::api {
namespace {
thread_local bool t_refusing = false;
}

BoundedTaskQueue::BoundedTaskQueue(size_t workers, size_t max_queued, size_t refusers)
    : max_queued_(max_queued) {
  workers = std::max<size_t>(1, workers);
  refusers = std::max<size_t>(1, refusers);
  for (size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { run(work_, false); });
  for (size_t i = 0; i < refusers; ++i) threads_.emplace_back([this] { run(refuse_, true); });
}

BoundedTaskQueue::~BoundedTaskQueue() { shutdown(); }

void BoundedTaskQueue::enqueue(std::function<void()> fn) {
  Lane* lane = &work_;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // The connection must still be served (httplib closes its socket in `fn`), so one past the
    // bound is not dropped: it is answered 503 by a refusing thread, which is cheap.
    if (work_.jobs.size() >= max_queued_) {
      lane = &refuse_;
      ++refused_;
    }
    lane->jobs.push_back(std::move(fn));
  }
  lane->wake.notify_one();
}

void BoundedTaskQueue::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (shutdown_ && threads_.empty()) return;
    shutdown_ = true;
  }
  work_.wake.notify_all();
  refuse_.wake.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

bool BoundedTaskQueue::refusingOnThisThread() { return t_refusing; }

size_t BoundedTaskQueue::queued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return work_.jobs.size();
}

void BoundedTaskQueue::run(Lane& lane, bool refusing) {
  t_refusing = refusing;
  for (;;) {
    std::function<void()> fn;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      lane.wake.wait(lock, [&] { return !lane.jobs.empty() || shutdown_; });
      // Like httplib's pool: on shutdown, finish what was accepted, then stop.
      if (lane.jobs.empty()) return;
      fn = std::move(lane.jobs.front());
      lane.jobs.pop_front();
    }
    fn();
  }
}

}  // namespace puq::api
