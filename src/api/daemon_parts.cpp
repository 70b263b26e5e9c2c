#include "puq/api/daemon_parts.hpp"

namespace puq::api {

DaemonParts::DaemonParts(const Config& c)
    : config(c),
      store(c.database),
      pool(dsm::httpClientFactory()),
      provisioner(store, random, clock),
      usage_store(c.database),
      usage_sync(store, usage_store, clock, usage::SyncOptions::fromConfig(c.dsm)),
      notifications(usage_store, clock),
      email_templates(usage_store),
      services{store, pool, provisioner, c} {
  services.usage_sync = &usage_sync;
  services.notifications = &notifications;
  services.email_templates = &email_templates;
  services.usage_store = &usage_store;
}

}  // namespace puq::api
