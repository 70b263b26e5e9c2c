#pragma once
// The daemon's own tables (mod_puqsynology_*), created and upgraded by numbered migrations.
// The SQL is compiled into the binary (src/whmcs/migrations.cpp), so the daemon needs no files at
// runtime. To change the schema, append a Migration with the next version: never edit an applied one.
#include <string>
#include <vector>

namespace puq::whmcs {

struct Migration {
  int version;              // 1, 2, 3... without gaps
  std::string description;  // one line, logged when applied
  // Run in order on one connection inside a transaction. DDL commits implicitly in MariaDB, so every
  // statement must be safe to run again (CREATE TABLE IF NOT EXISTS, ADD COLUMN IF NOT EXISTS...):
  // a daemon that dies half way simply applies the migration again.
  std::vector<std::string> statements;
};

// The table that records which migrations ran: one row per applied version.
extern const char* const kSchemaTableDdl;

// All migrations, ascending by version.
const std::vector<Migration>& migrations();
int latestSchemaVersion();

}  // namespace puq::whmcs
