// The Connection/Statement wrapper against the real test MariaDB: binding, fetching, NULLs, error
// mapping and transactions.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

#include "puq/whmcs/mariadb_connection.hpp"
#include "puq/whmcs/sql.hpp"
#include "support/temp_database.hpp"

using puq::testing::TempWhmcsDatabase;
namespace sql = puq::whmcs::sql;

namespace {

std::unique_ptr<sql::Connection> connectTo(const TempWhmcsDatabase& db) {
  auto c = puq::whmcs::connectOnce(db.settings());
  c->execute(
      "CREATE TABLE IF NOT EXISTS t (id INT AUTO_INCREMENT PRIMARY KEY, i BIGINT NULL, d DOUBLE NULL,"
      " s LONGTEXT NULL, u VARCHAR(64) NULL UNIQUE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
  return c;
}

}  // namespace

TEST_CASE("Row converts cells and keeps NULL apart from empty", "[whmcs][sql]") {
  sql::Row row({std::string("42"), std::nullopt, std::string(""), std::string("-9223372036854775808"),
                std::string("1.5"), std::string("12abc")});
  CHECK(row.size() == 6);
  CHECK(row.int64(0) == 42);
  CHECK(row.isNull(1));
  CHECK(row.text(1).empty());
  CHECK_FALSE(row.optionalText(1).has_value());
  CHECK(row.int64(1) == 0);
  CHECK_FALSE(row.isNull(2));
  CHECK(row.optionalText(2) == std::optional<std::string>(""));
  CHECK(row.int64(3) == std::numeric_limits<int64_t>::min());
  CHECK(row.real(4) == 1.5);
  CHECK_THROWS_AS(row.int64(5), puq::DatabaseError);
  CHECK_THROWS_AS(row.int64(2), puq::DatabaseError);
  CHECK_THROWS_AS(row.text(6), puq::DatabaseError);
}

TEST_CASE("redact removes a secret from a message", "[whmcs][sql]") {
  CHECK(puq::whmcs::redact("pw=s3cret and s3cret", "s3cret") == "pw=*** and ***");
  CHECK(puq::whmcs::redact("nothing here", "") == "nothing here");
  CHECK(puq::whmcs::redact("aaaa", "aa") == "******");
}

TEST_CASE("Prepared statements bind and fetch every type", "[whmcs][sql][db]") {
  TempWhmcsDatabase db;
  auto c = connectTo(db);

  auto insert = c->prepare("INSERT INTO t (i, d, s, u) VALUES (?, ?, ?, ?)");
  insert->bind(std::numeric_limits<int64_t>::max()).bind(2.25).bind("text").bindNull().execute();
  CHECK(insert->affectedRows() == 1);
  const uint64_t first_id = insert->lastInsertId();
  CHECK(first_id > 0);

  // Reuse with new values; NULLs everywhere.
  insert->reset().bind(nullptr).bind(nullptr).bind(std::optional<std::string>()).bind(std::optional<int64_t>());
  insert->execute();
  CHECK(insert->lastInsertId() == first_id + 1);

  auto select = c->prepare("SELECT id, i, d, s, u FROM t ORDER BY id");
  select->execute();
  auto rows = select->allRows();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].int64(1) == std::numeric_limits<int64_t>::max());
  CHECK(rows[0].real(2) == 2.25);
  CHECK(rows[0].text(3) == "text");
  CHECK(rows[0].isNull(4));
  for (std::size_t col = 1; col <= 4; ++col) CHECK(rows[1].isNull(col));

  SECTION("a statement executes again after reset") {
    auto count = c->prepare("SELECT COUNT(*) FROM t WHERE id >= ?");
    count->bind(static_cast<int64_t>(first_id)).execute();
    CHECK(count->firstRow()->int64(0) == 2);
    count->reset().bind(static_cast<int64_t>(first_id + 1)).execute();
    CHECK(count->firstRow()->int64(0) == 1);
  }
}

TEST_CASE("Hostile strings round-trip unchanged through prepared statements", "[whmcs][sql][db]") {
  TempWhmcsDatabase db;
  auto c = connectTo(db);
  const std::string with_nul("a\0b", 3);
  const std::vector<std::string> values = {
      "O'Brien",
      "double \"quoted\"",
      "back\\slash\\",
      "'; DROP TABLE t; --",
      "x' OR '1'='1",
      "%_ wildcards _%",
      "tab\tnew\nline\r",
      with_nul,
      "\xC3\xA9mile \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80",  // émile 日本 😀
      std::string(64, 'z'),
      std::string(200000, 'L'),  // larger than any initial fetch buffer
      "",
  };
  auto insert = c->prepare("INSERT INTO t (s) VALUES (?)");
  auto select = c->prepare("SELECT s, LENGTH(s) FROM t WHERE id = ?");
  for (const auto& value : values) {
    insert->reset().bind(value).execute();
    select->reset().bind(static_cast<int64_t>(insert->lastInsertId())).execute();
    auto row = select->firstRow();
    REQUIRE(row);
    CHECK(row->text(0) == value);
    CHECK(row->int64(1) == static_cast<int64_t>(value.size()));
  }
  // The table survived the "injection" and holds exactly what was inserted.
  CHECK(db.scalar("SELECT COUNT(*) FROM t") == std::to_string(values.size()));
}

TEST_CASE("Statement errors map to the exception family", "[whmcs][sql][db]") {
  TempWhmcsDatabase db;
  auto c = connectTo(db);

  SECTION("syntax error") {
    try {
      c->prepare("SELEC nonsense");
      FAIL("no exception");
    } catch (const sql::StatementError& e) {
      CHECK(e.errorNumber() == 1064);
      CHECK(e.code() == "database_error");
      CHECK(std::string(e.what()).find("SELEC nonsense") != std::string::npos);
    }
    CHECK_FALSE(c->broken());
  }
  SECTION("duplicate key") {
    auto insert = c->prepare("INSERT INTO t (u) VALUES (?)");
    insert->bind("same").execute();
    insert->reset().bind("same");
    CHECK_THROWS_AS(insert->execute(), sql::DuplicateKey);
    CHECK_FALSE(c->broken());
  }
  SECTION("wrong number of values") {
    auto insert = c->prepare("INSERT INTO t (i, s) VALUES (?, ?)");
    insert->bind(1);
    CHECK_THROWS_AS(insert->execute(), puq::DatabaseError);
    insert->bind("x");
    CHECK_THROWS_AS(insert->bind("too many"), puq::DatabaseError);
  }
  SECTION("strict mode: a value that does not fit fails instead of being truncated") {
    auto insert = c->prepare("INSERT INTO t (u) VALUES (?)");
    insert->bind(std::string(65, 'x'));
    CHECK_THROWS_AS(insert->execute(), sql::StatementError);
  }
}

TEST_CASE("Transaction commits or rolls back", "[whmcs][sql][db]") {
  TempWhmcsDatabase db;
  auto c = connectTo(db);
  {
    sql::Transaction tx(*c);
    c->prepare("INSERT INTO t (s) VALUES (?)")->bind("kept").execute();
    tx.commit();
  }
  try {
    sql::Transaction tx(*c);
    c->prepare("INSERT INTO t (s) VALUES (?)")->bind("discarded").execute();
    throw std::runtime_error("failure inside the transaction");
  } catch (const std::runtime_error&) {
  }
  CHECK(db.scalar("SELECT GROUP_CONCAT(s) FROM t") == std::optional<std::string>("kept"));
}

TEST_CASE("Connection::execute runs SQL without values and drains results", "[whmcs][sql][db]") {
  TempWhmcsDatabase db;
  auto c = connectTo(db);
  c->execute("SELECT 1");  // a result set nobody reads must not desynchronise the connection
  auto st = c->prepare("SELECT @@SESSION.sql_mode, @@character_set_client");
  st->execute();
  auto row = st->firstRow();
  REQUIRE(row);
  CHECK(row->text(0).find("STRICT_TRANS_TABLES") != std::string::npos);
  CHECK(row->text(1) == "utf8mb4");
  CHECK(c->ping());
  CHECK(c->describe() == db.settings().host + ":" + std::to_string(db.settings().port) + " as 'puq'");
}

TEST_CASE("Connecting over the unix socket", "[whmcs][sql][db]") {
  TempWhmcsDatabase db;
  auto c = puq::whmcs::connectOnce(db.socketSettings());
  auto st = c->prepare("SELECT DATABASE()");
  st->execute();
  CHECK(st->firstRow()->text(0) == db.name());
  CHECK(c->describe().rfind("socket ", 0) == 0);
}
