#include "puq/whmcs/migrations.hpp"

namespace puq::whmcs {

const char* const kSchemaTableDdl = R"sql(
CREATE TABLE IF NOT EXISTS mod_puqsynology_schema (
  version INT NOT NULL PRIMARY KEY,
  applied_at DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
)sql";

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1,
       "mod_puqsynology_accounts: the DSM account of each service",
       {R"sql(
CREATE TABLE IF NOT EXISTS mod_puqsynology_accounts (
  service_id INT NOT NULL COMMENT 'tblhosting.id',
  server_id INT NOT NULL COMMENT 'tblservers.id of the NAS holding the account',
  username VARCHAR(64) COLLATE utf8mb4_bin NOT NULL COMMENT 'DSM user name as created',
  username_lc VARCHAR(64) COLLATE utf8mb4_bin NOT NULL COMMENT 'LOWER(username): DSM names are case-insensitive',
  state VARCHAR(16) NOT NULL COMMENT 'creating | active | suspended | terminated | failed',
  group_name VARCHAR(64) NOT NULL DEFAULT '' COMMENT 'DSM group the user was put in',
  created_at DATETIME NOT NULL COMMENT 'UTC',
  updated_at DATETIME NOT NULL COMMENT 'UTC',
  PRIMARY KEY (service_id),
  UNIQUE KEY server_username (server_id, username_lc)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
)sql"}},
      // Next: {2, "...", {R"sql(CREATE TABLE IF NOT EXISTS ...)sql"}},
  };
  return all;
}

int latestSchemaVersion() { return migrations().empty() ? 0 : migrations().back().version; }

}  // namespace puq::whmcs
