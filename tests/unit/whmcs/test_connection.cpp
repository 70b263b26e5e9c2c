// Connecting, failing to connect, timeouts, the pool and reconnecting after a lost connection.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "puq/whmcs/connection_pool.hpp"
#include "puq/whmcs/mariadb_connection.hpp"
#include "puq/whmcs/mariadb_store.hpp"
#include "support/temp_database.hpp"

using puq::testing::TempWhmcsDatabase;
using puq::whmcs::DbSettings;
using puq::whmcs::MariaDbStore;
namespace sql = puq::whmcs::sql;
using Clock = std::chrono::steady_clock;

namespace {

// Everything spdlog's default logger writes while this object lives.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text_);
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const { return text_.str(); }

 private:
  std::ostringstream text_;
  std::shared_ptr<spdlog::logger> previous_;
};

// A 127.0.0.1 port nobody listens on, held (bound, not listening) while the object lives.
class RefusingPort {
 public:
  RefusingPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
  }
  ~RefusingPort() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A fake connection for pool tests.
class FakeConnection : public sql::Connection {
 public:
  explicit FakeConnection(int id) : id(id) {}
  std::unique_ptr<sql::Statement> prepare(const std::string&) override { throw puq::DatabaseError("fake"); }
  void execute(const std::string&) override {}
  void begin() override {}
  void commit() override {}
  void rollback() override {}
  bool ping() noexcept override { return alive; }
  bool broken() const noexcept override { return is_broken; }
  std::string describe() const override { return "fake " + std::to_string(id); }
  int id;
  bool alive = true;
  bool is_broken = false;
};

}  // namespace

TEST_CASE("A wrong password gives an actionable DatabaseError without the password", "[whmcs][connect][db]") {
  TempWhmcsDatabase db;
  DbSettings s = db.settings();
  s.password = "Wr0ng-Secret-Pa55";
  s.origin = "[database] in /etc/puq-synologyd/puq-synologyd.conf";
  CapturedLog log;
  const auto start = Clock::now();
  try {
    puq::whmcs::connectWithRetry(s);
    FAIL("connected with a wrong password");
  } catch (const puq::DatabaseError& e) {
    const std::string message = e.what();
    INFO(message);
    CHECK(message.find("Wr0ng-Secret-Pa55") == std::string::npos);
    CHECK(message.find("Cannot connect to the WHMCS database at 127.0.0.1:" + std::to_string(s.port) +
                       " as 'puq'") == 0);
    CHECK(message.find("Access denied") != std::string::npos);
    CHECK(message.find("Check [database] in /etc/puq-synologyd/puq-synologyd.conf") != std::string::npos);
    CHECK(e.code() == "database_error");
    CHECK(e.httpStatus() == 503);
  }
  CHECK(secondsSince(start) < 2.0);  // access denied is not retried
  CHECK(log.text().find("Wr0ng-Secret-Pa55") == std::string::npos);

  SECTION("through the store as well; ping() reports false without throwing") {
    MariaDbStore store(s);
    CHECK_FALSE(store.ping());
    CHECK_THROWS_AS(store.service(1), puq::DatabaseError);
    CHECK(log.text().find("Wr0ng-Secret-Pa55") == std::string::npos);
  }
}

TEST_CASE("An unknown database is reported, not retried", "[whmcs][connect][db]") {
  TempWhmcsDatabase db;
  DbSettings s = db.settings();
  s.database = "no_such_db_here";
  try {
    puq::whmcs::connectWithRetry(s);
    FAIL("connected to a missing database");
  } catch (const puq::DatabaseError& e) {
    CHECK(std::string(e.what()).find("no_such_db_here") != std::string::npos);
  }
}

TEST_CASE("An unreachable server fails quickly after bounded retries", "[whmcs][connect]") {
  RefusingPort refusing;
  DbSettings s;
  s.host = "127.0.0.1";
  s.port = refusing.port();
  s.user = "whmcs";
  s.password = "Secret-Never-Shown";
  s.database = "whmcs";
  s.connect_timeout_s = 1;
  s.reconnect_attempts = 3;
  CapturedLog log;
  const auto start = Clock::now();
  try {
    puq::whmcs::connectWithRetry(s);
    FAIL("connected to a closed port");
  } catch (const puq::DatabaseError& e) {
    const std::string message = e.what();
    INFO(message);
    CHECK(message.find("not reachable") != std::string::npos);
    CHECK(message.find("tried 3 times") != std::string::npos);
    CHECK(message.find("Secret-Never-Shown") == std::string::npos);
  }
  CHECK(secondsSince(start) < 3.0);  // 3 refused attempts, 100 + 200 ms backoff
  // Each failed attempt but the last is logged as a warning.
  CHECK(log.text().find("attempt 1/3") != std::string::npos);
  CHECK(log.text().find("attempt 2/3") != std::string::npos);
  CHECK(log.text().find("Secret-Never-Shown") == std::string::npos);
}

TEST_CASE("A host that never answers is bounded by the connect timeout", "[whmcs][connect]") {
  DbSettings s;
  s.host = "10.255.255.1";  // unroutable: either times out or fails at once, never hangs
  s.port = 3306;
  s.user = "whmcs";
  s.connect_timeout_s = 1;
  s.reconnect_attempts = 2;
  const auto start = Clock::now();
  CHECK_THROWS_AS(puq::whmcs::connectWithRetry(s), puq::DatabaseError);
  CHECK(secondsSince(start) < 8.0);
}

TEST_CASE("A statement running past the read timeout loses the connection, bounded", "[whmcs][connect][db]") {
  TempWhmcsDatabase db;
  DbSettings s = db.settings();
  s.read_timeout_s = 1;
  auto c = puq::whmcs::connectOnce(s);
  const auto start = Clock::now();
  auto st = c->prepare("SELECT SLEEP(8)");
  CHECK_THROWS_AS(st->execute(), sql::ConnectionLost);
  CHECK(c->broken());
  CHECK(secondsSince(start) < 6.0);
}

TEST_CASE("The store reconnects after the server killed its connection", "[whmcs][connect][db]") {
  TempWhmcsDatabase db;
  puq::testing::ServiceSeed seed;
  seed.username = "alice";
  const auto ids = db.seedService(seed);
  MariaDbStore store(db.settings());
  store.migrate();
  REQUIRE(store.service(ids.service_id));
  CapturedLog log;

  SECTION("a read is retried on a fresh connection") {
    REQUIRE(db.killOtherConnections() >= 1);
    auto service = store.service(ids.service_id);
    REQUIRE(service);
    CHECK(service->username == "alice");
    CHECK(log.text().find("retrying once on a fresh connection") != std::string::npos);
  }
  SECTION("an idempotent transaction is retried whole") {
    REQUIRE(db.killOtherConnections() >= 1);
    store.setServiceUsername(ids.service_id, "bob");
    CHECK(db.scalar("SELECT username FROM tblhosting WHERE id = " + std::to_string(ids.service_id)) ==
          std::optional<std::string>("bob"));

    REQUIRE(db.killOtherConnections() >= 1);
    puq::whmcs::Account a;
    a.service_id = ids.service_id;
    a.server_id = ids.server_id;
    a.username = "bob";
    a.state = "active";
    store.saveAccount(a);
    CHECK(store.account(ids.service_id)->state == "active");
  }
  SECTION("every pooled connection killed (a server restart) still costs only one retry") {
    // Fill the pool with several connections, then kill them all.
    std::vector<std::thread> readers;
    for (int i = 0; i < 4; ++i) readers.emplace_back([&] { store.usernameInUse(ids.server_id, "x", 0); });
    for (auto& t : readers) t.join();
    REQUIRE(db.killOtherConnections() >= 1);
    CHECK(store.usernameInUse(ids.server_id, "alice", 0));
    CHECK(store.ping());
  }
  SECTION("ping() notices a dead connection and the next call works") {
    REQUIRE(db.killOtherConnections() >= 1);
    store.ping();  // may be false: it pinged the killed connection, which is now discarded
    CHECK(store.ping());
    CHECK(store.service(ids.service_id));
  }
}

TEST_CASE("ConnectionPool reuses, discards broken connections and bounds the count", "[whmcs][pool]") {
  int made = 0;
  sql::ConnectionPool::Options options;
  options.max_open = 2;
  options.acquire_timeout = std::chrono::milliseconds(200);
  sql::ConnectionPool pool([&] { return std::make_unique<FakeConnection>(++made); }, options);

  SECTION("a returned connection is reused") {
    { auto a = pool.acquire(); }
    { auto b = pool.acquire(); }
    CHECK(made == 1);
    CHECK(pool.openCount() == 1);
    CHECK(pool.idleCount() == 1);
  }
  SECTION("a broken connection is discarded on return") {
    {
      auto a = pool.acquire();
      static_cast<FakeConnection&>(*a).is_broken = true;
    }
    CHECK(pool.openCount() == 0);
    auto b = pool.acquire();
    CHECK(static_cast<FakeConnection&>(*b).id == 2);
  }
  SECTION("acquire waits for a free slot, then gives up with a DatabaseError") {
    auto a = pool.acquire();
    auto b = pool.acquire();
    const auto start = Clock::now();
    CHECK_THROWS_AS(pool.acquire(), puq::DatabaseError);
    CHECK(secondsSince(start) >= 0.15);

    std::thread giver([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      a = sql::ConnectionPool::Lease();  // hands the connection back
    });
    auto c = pool.acquire();
    giver.join();
    CHECK(static_cast<FakeConnection&>(*c).id == 1);
    CHECK(made == 2);
  }
  SECTION("dropIdle closes idle connections only") {
    auto a = pool.acquire();
    { auto b = pool.acquire(); }
    pool.dropIdle();
    CHECK(pool.idleCount() == 0);
    CHECK(pool.openCount() == 1);
  }
  SECTION("a factory failure frees the slot") {
    sql::ConnectionPool failing([]() -> std::unique_ptr<sql::Connection> { throw puq::DatabaseError("down"); },
                                options);
    CHECK_THROWS_AS(failing.acquire(), puq::DatabaseError);
    CHECK(failing.openCount() == 0);
  }
}

TEST_CASE("ConnectionPool pings a connection that sat idle too long", "[whmcs][pool]") {
  int made = 0;
  FakeConnection* first = nullptr;
  sql::ConnectionPool::Options options;
  options.idle_check_after = std::chrono::milliseconds(0);
  sql::ConnectionPool pool(
      [&] {
        auto c = std::make_unique<FakeConnection>(++made);
        if (!first) first = c.get();
        return c;
      },
      options);
  { auto a = pool.acquire(); }
  first->alive = false;  // the server closed it while idle
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  auto b = pool.acquire();
  CHECK(static_cast<FakeConnection&>(*b).id == 2);
  CHECK(pool.openCount() == 1);
}
