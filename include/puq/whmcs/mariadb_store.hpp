#pragma once
// The real Store: WHMCS's MariaDB through a small connection pool, prepared statements only.
//
// Thread-safe. The constructor does not connect: the first call does (with bounded reconnect), so the
// daemon starts while the database is down and reports it through ping().
//
// Retry rule (docs/database.md): when the connection dies under a statement, the call is retried once
// on a fresh connection only if it is a read or an idempotent transaction retried whole (saveAccount,
// setServiceUsername, migrate). Anything else surfaces as DatabaseError, because the write may or may
// not have happened.
#include <atomic>
#include <memory>

#include "puq/whmcs/connection_pool.hpp"
#include "puq/whmcs/store.hpp"

namespace puq::whmcs {

class MariaDbStore final : public Store {
 public:
  explicit MariaDbStore(DbSettings settings);
  // For tests: any connection factory (a fake, or one with different settings).
  MariaDbStore(DbSettings settings, sql::ConnectionPool::Factory factory);
  ~MariaDbStore() override;

  // Takes GET_LOCK('mod_puqsynology_migrate') so concurrent daemons migrate one after the other.
  void migrate() override;
  int schemaVersion() override;
  bool ping() noexcept override;

  std::optional<Service> service(int64_t service_id) override;
  std::vector<Service> servicesOnServer(int64_t server_id) override;
  // Also sets tblhosting.updated_at when the column exists. Throws NotFound for an unknown service.
  void setServiceUsername(int64_t service_id, const std::string& username) override;
  // tblhosting: same server, another service, any status but Terminated (a Cancelled or Fraud service
  // may still own its DSM user). mod_puqsynology_accounts: same server, another service, state neither
  // terminated nor failed. Both compare LOWER() of the names.
  bool usernameInUse(int64_t server_id, const std::string& username, int64_t except_service_id) override;

  std::optional<Account> account(int64_t service_id) override;
  // Insert or update by service_id; created_at/updated_at (UTC) and username_lc are set here.
  // Throws puq::Conflict("username_taken") when another live account on the server holds the name.
  // A terminated or failed account of another service that still holds the name is deleted, which
  // releases the name (usernameInUse() already reports such a name as free).
  // Throws BadRequest("account_invalid") for empty or over-long fields.
  void saveAccount(const Account& account) override;

  // Connections currently open (idle + in use): for tests and the health report.
  std::size_t openConnections() const { return pool_.openCount(); }

 private:
  bool hostingHasUpdatedAt(sql::Connection& connection);

  DbSettings settings_;
  sql::ConnectionPool pool_;
  std::atomic<int> hosting_has_updated_at_{-1};  // -1 unknown, 0 no, 1 yes (asked once)
};

}  // namespace puq::whmcs
