#pragma once
// The daemon's objects, wired in one place: src/daemon/main.cpp builds them from the configuration
// file, the API tests from a test configuration, so both run the same wiring (docs/architecture.md).
#include <vector>

#include "puq/api/server.hpp"
#include "puq/dsm/http_client.hpp"
#include "puq/provisioning/clock.hpp"
#include "puq/provisioning/random.hpp"
#include "puq/usage/email_templates.hpp"
#include "puq/usage/notifications.hpp"
#include "puq/usage/usage_store.hpp"
#include "puq/usage/usage_sync.hpp"
#include "puq/whmcs/mariadb_store.hpp"

namespace puq::api {

struct DaemonParts {
  // Nothing here connects yet: the database and the NAS are reached on first use. `config` must
  // outlive the parts, and is read as it is now (change it before, not after).
  explicit DaemonParts(const Config& config);
  DaemonParts(const DaemonParts&) = delete;
  DaemonParts& operator=(const DaemonParts&) = delete;

  const Config& config;
  whmcs::MariaDbStore store;
  dsm::ClientPool pool;
  provisioning::OpenSslRandom random;
  provisioning::SystemClock clock;
  provisioning::Provisioner provisioner;
  usage::UsageStore usage_store;
  usage::UsageSync usage_sync;
  usage::Notifications notifications;
  usage::EmailTemplates email_templates;
  Services services;  // all of the above, for the routes

  std::vector<Route> routes() { return makeRoutes(services); }
};

}  // namespace puq::api
