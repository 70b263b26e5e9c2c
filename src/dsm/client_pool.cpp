#include <map>
#include <mutex>
#include <utility>

#include "puq/dsm/client.hpp"

namespace puq::dsm {

namespace {

// Everything but the identity that a cached client was built with: a change means a new client.
bool sameSettings(const Endpoint& a, const Endpoint& b) {
  return a.password == b.password && a.verify_tls == b.verify_tls && a.ca_file == b.ca_file &&
         a.connect_timeout_ms == b.connect_timeout_ms && a.timeout_ms == b.timeout_ms;
}

}  // namespace

struct ClientPool::Impl {
  Factory factory;
  mutable std::mutex mutex;
  std::map<std::string, std::shared_ptr<Client>> clients;  // by Endpoint::sessionKey()
};

ClientPool::ClientPool(Factory factory) : impl_(std::make_shared<Impl>()) { impl_->factory = std::move(factory); }

std::shared_ptr<Client> ClientPool::get(const Endpoint& endpoint) {
  std::shared_ptr<Client> replaced;
  std::shared_ptr<Client> client;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    const std::string key = endpoint.sessionKey();
    auto it = impl_->clients.find(key);
    if (it != impl_->clients.end() && sameSettings(it->second->endpoint(), endpoint)) return it->second;
    client = impl_->factory(endpoint);  // may throw: the map is untouched then
    if (it != impl_->clients.end()) {
      replaced = std::exchange(it->second, client);
    } else {
      impl_->clients.emplace(key, client);
    }
  }
  // Outside the lock: a logout is network I/O. Callers still holding the old client keep working
  // until they finish (it re-logs in if it must).
  if (replaced) replaced->logout();
  return client;
}

void ClientPool::logoutAll() noexcept {
  std::map<std::string, std::shared_ptr<Client>> clients;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    clients = impl_->clients;
  }
  for (auto& [key, client] : clients) {
    if (client) client->logout();
  }
}

size_t ClientPool::size() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->clients.size();
}

}  // namespace puq::dsm
