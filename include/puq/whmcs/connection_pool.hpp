#pragma once
// A small pool of sql::Connections shared by the daemon's threads.
//
// - At most `max_open` connections exist at once; acquire() waits (up to `acquire_timeout`) for one to
//   come back, then throws DatabaseError ("all N connections are busy").
// - A connection is opened lazily through the factory (which does the bounded reconnect), so the daemon
//   starts even while the database is down.
// - A connection handed back broken() is discarded, never reused.
// - A connection idle for longer than `idle_check_after` is pinged before it is handed out, so a
//   connection the server closed meanwhile (wait_timeout) is replaced instead of failing a write.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <type_traits>
#include <vector>

#include <spdlog/spdlog.h>

#include "puq/whmcs/sql.hpp"

namespace puq::whmcs::sql {

class ConnectionPool {
 public:
  using Factory = std::function<std::unique_ptr<Connection>()>;
  using Clock = std::chrono::steady_clock;

  struct Options {
    std::size_t max_open = 4;
    std::chrono::milliseconds acquire_timeout{30000};
    std::chrono::milliseconds idle_check_after{30000};
  };

  // A connection on loan; returned to the pool (or discarded when broken) when the Lease dies.
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }
    explicit operator bool() const noexcept { return connection_ != nullptr; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    void giveBack() noexcept;

    ConnectionPool* pool_ = nullptr;
    std::unique_ptr<Connection> connection_;
  };

  ConnectionPool(Factory factory, Options options);
  ~ConnectionPool();  // leases must not outlive the pool
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  Lease acquire();
  // Closes every idle connection. Called after a connection was lost: when the server restarted, the
  // idle ones are dead too, and a retry must run on a fresh connection.
  void dropIdle();

  std::size_t openCount() const;
  std::size_t idleCount() const;

 private:
  struct Idle {
    std::unique_ptr<Connection> connection;
    Clock::time_point since;
  };
  void release(std::unique_ptr<Connection> connection) noexcept;
  void forgetOne() noexcept;

  Factory factory_;
  Options options_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<Idle> idle_;  // most recently returned at the back
  std::size_t open_ = 0;    // idle + on loan + being opened
};

// Runs fn(connection) on a pooled connection. A lost connection (or a deadlock, which the server has
// already rolled back) is retried once on a fresh connection, so use it only for reads and idempotent
// transactions (docs/database.md, "Retry rule").
template <typename Fn>
auto withRetry(ConnectionPool& pool, const char* what, Fn&& fn) {
  for (int attempt = 1;; ++attempt) {
    ConnectionPool::Lease connection = pool.acquire();
    try {
      return fn(*connection);
    } catch (const ConnectionLost& e) {
      if (attempt >= 2) throw;
      spdlog::warn("WHMCS database: {}() failed: {}; retrying once on a fresh connection", what, e.what());
      pool.dropIdle();  // after a server restart the idle connections are dead as well
    } catch (const TransactionAborted& e) {
      if (attempt >= 2) throw;
      spdlog::info("WHMCS database: {}() was rolled back ({}); running it again", what, e.what());
    }
  }
}

// fn runs inside one transaction, committed when fn returns. The whole transaction is retried once
// (withRetry), so fn must be idempotent.
template <typename Fn>
auto inTransaction(ConnectionPool& pool, const char* what, Fn&& fn) {
  return withRetry(pool, what, [&](Connection& c) {
    Transaction tx(c);
    if constexpr (std::is_void_v<decltype(fn(c))>) {
      fn(c);
      tx.commit();
    } else {
      auto result = fn(c);
      tx.commit();
      return result;
    }
  });
}

}  // namespace puq::whmcs::sql
