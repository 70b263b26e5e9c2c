#include "puq/whmcs/connection_pool.hpp"

#include <spdlog/spdlog.h>

namespace puq::whmcs::sql {

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)) {
  other.pool_ = nullptr;
}

ConnectionPool::Lease& ConnectionPool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    giveBack();
    pool_ = other.pool_;
    connection_ = std::move(other.connection_);
    other.pool_ = nullptr;
  }
  return *this;
}

ConnectionPool::Lease::~Lease() { giveBack(); }

void ConnectionPool::Lease::giveBack() noexcept {
  if (pool_ && connection_) pool_->release(std::move(connection_));
  pool_ = nullptr;
  connection_.reset();
}

ConnectionPool::ConnectionPool(Factory factory, Options options)
    : factory_(std::move(factory)), options_(options) {
  if (options_.max_open == 0) options_.max_open = 1;
}

ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Lease ConnectionPool::acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    const bool ready = returned_.wait_for(lock, options_.acquire_timeout,
                                          [&] { return !idle_.empty() || open_ < options_.max_open; });
    if (!ready) {
      throw DatabaseError("All " + std::to_string(options_.max_open) +
                          " WHMCS database connections stayed busy for " +
                          std::to_string(options_.acquire_timeout.count() / 1000) +
                          " s; raise pool_size in the [database] settings if this persists");
    }
    if (!idle_.empty()) {
      Idle idle = std::move(idle_.back());
      idle_.pop_back();
      const bool stale = Clock::now() - idle.since > options_.idle_check_after;
      if (!stale) return Lease(this, std::move(idle.connection));
      // Ping outside the lock: it is a network round trip.
      lock.unlock();
      const bool alive = idle.connection->ping();
      lock.lock();
      if (alive) return Lease(this, std::move(idle.connection));
      spdlog::info("Dropping an idle WHMCS database connection ({}) that no longer answers",
                   idle.connection->describe());
      --open_;
      continue;
    }
    ++open_;  // reserve the slot, then connect without holding the lock
    lock.unlock();
    try {
      std::unique_ptr<Connection> connection = factory_();
      if (!connection) throw DatabaseError("The WHMCS database connection factory returned nothing");
      return Lease(this, std::move(connection));
    } catch (...) {
      forgetOne();
      throw;
    }
  }
}

void ConnectionPool::release(std::unique_ptr<Connection> connection) noexcept {
  if (connection->broken()) {
    connection.reset();  // close outside the lock
    forgetOne();
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    idle_.push_back(Idle{std::move(connection), Clock::now()});
  }
  returned_.notify_one();
}

void ConnectionPool::forgetOne() noexcept {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --open_;
  }
  returned_.notify_one();
}

void ConnectionPool::dropIdle() {
  std::vector<Idle> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    dropped.swap(idle_);
    open_ -= dropped.size();
  }
  returned_.notify_all();
  // `dropped` closes its connections here, outside the lock.
}

std::size_t ConnectionPool::openCount() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return open_;
}

std::size_t ConnectionPool::idleCount() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return idle_.size();
}

}  // namespace puq::whmcs::sql
