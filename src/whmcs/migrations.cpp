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
      // Issue 4, usage (docs/usage.md): the daily history the client-area chart reads.
      {2,
       "mod_puqsynology_usage_daily: daily usage history of each service",
       {R"sql(
CREATE TABLE IF NOT EXISTS mod_puqsynology_usage_daily (
  service_id INT NOT NULL COMMENT 'tblhosting.id',
  day DATE NOT NULL COMMENT 'UTC day the samples belong to',
  used_mb BIGINT NOT NULL COMMENT 'the last sample of the day (MB)',
  max_used_mb BIGINT NOT NULL COMMENT 'the largest sample of the day (MB)',
  limit_mb BIGINT NOT NULL COMMENT 'displayed disk size at the last sample (MB), 0 = unlimited',
  samples INT NOT NULL DEFAULT 1 COMMENT 'syncs that wrote this row',
  updated_at DATETIME NOT NULL COMMENT 'UTC time of the last sample',
  PRIMARY KEY (service_id, day),
  KEY day (day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
)sql"}},
      // Issue 4, threshold notifications (docs/usage.md): per-service state and the email outbox.
      {3,
       "mod_puqsynology_notify_state and mod_puqsynology_outbox: low-space notifications",
       {R"sql(
CREATE TABLE IF NOT EXISTS mod_puqsynology_notify_state (
  service_id INT NOT NULL COMMENT 'tblhosting.id',
  above TINYINT NOT NULL DEFAULT 0 COMMENT '1 while usage is at or above Notify at %',
  crossings INT NOT NULL DEFAULT 0 COMMENT 'upward crossings so far; the outbox crossing_seq of the last one',
  crossed_at DATETIME NULL COMMENT 'UTC time of the last upward crossing',
  updated_at DATETIME NOT NULL COMMENT 'UTC',
  PRIMARY KEY (service_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
)sql",
        R"sql(
CREATE TABLE IF NOT EXISTS mod_puqsynology_outbox (
  id BIGINT NOT NULL AUTO_INCREMENT,
  service_id INT NOT NULL COMMENT 'tblhosting.id (SendEmail id)',
  kind VARCHAR(32) NOT NULL DEFAULT 'disk_limit',
  template VARCHAR(255) NOT NULL COMMENT 'WHMCS email template name (SendEmail messagename)',
  customvars TEXT NOT NULL COMMENT 'JSON object of the merge fields',
  status ENUM('pending','sent','failed') NOT NULL DEFAULT 'pending',
  attempts INT NOT NULL DEFAULT 0 COMMENT 'failed sends so far',
  next_attempt_at DATETIME NOT NULL COMMENT 'UTC; not handed out before',
  lease_until DATETIME NULL COMMENT 'UTC; handed out to a sender until then',
  lease_token CHAR(32) NULL COMMENT 'identifies the pending() call that holds the lease',
  last_error TEXT NULL,
  created_at DATETIME NOT NULL COMMENT 'UTC',
  sent_at DATETIME NULL COMMENT 'UTC',
  crossing_seq INT NOT NULL COMMENT 'mod_puqsynology_notify_state.crossings of the crossing that queued it',
  PRIMARY KEY (id),
  UNIQUE KEY service_kind_crossing (service_id, kind, crossing_seq),
  KEY due (status, next_attempt_at),
  KEY lease_token (lease_token)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
)sql"}},
      // Issue 6, emails exactly once (docs/usage.md, "Delivery"): what proves a send whose
      // acknowledgement was lost. A table of its own, not columns of the outbox: CREATE TABLE IF NOT
      // EXISTS is safe to rerun on MariaDB and MySQL alike, ADD COLUMN IF NOT EXISTS is MariaDB only.
      {4,
       "mod_puqsynology_outbox_delivery: WHMCS email log position of each handed-out notification",
       {R"sql(
CREATE TABLE IF NOT EXISTS mod_puqsynology_outbox_delivery (
  outbox_id BIGINT NOT NULL COMMENT 'mod_puqsynology_outbox.id',
  lease_token CHAR(32) NOT NULL COMMENT 'the lease this mark belongs to',
  email_log_mark BIGINT NOT NULL COMMENT 'MAX(tblemails.id) when the notification was handed out',
  email_log_id BIGINT NULL COMMENT 'tblemails.id that proved a send whose acknowledgement was lost',
  updated_at DATETIME NOT NULL COMMENT 'UTC',
  PRIMARY KEY (outbox_id),
  UNIQUE KEY email_log_id (email_log_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
)sql"}},
      // Next: {5, "...", {R"sql(CREATE TABLE IF NOT EXISTS ...)sql"}},
  };
  return all;
}

int latestSchemaVersion() { return migrations().empty() ? 0 : migrations().back().version; }

}  // namespace puq::whmcs
