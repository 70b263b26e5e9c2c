#pragma once
// Internal to puq_dsm: HTTP(S) POSTs to one NAS over a small pool of keep-alive connections, with
// transport failures turned into DsmError (dsm_unreachable / dsm_timeout / dsm_tls / dsm_protocol).
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "puq/dsm/errors.hpp"
#include "puq/dsm/types.hpp"

namespace httplib {
class ClientImpl;
}

namespace puq::dsm::detail {

struct HttpReply {
  int status = 0;
  std::string body;
  std::string content_type;
};

class Transport {
 public:
  explicit Transport(const Endpoint& endpoint, size_t max_idle_connections = 4);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // POSTs an application/x-www-form-urlencoded body to `path` ("/webapi/entry.cgi"). Any HTTP answer
  // is returned (the caller judges status and body); no answer throws DsmError.
  HttpReply postForm(const std::string& path, const std::string& form_body,
                     const std::vector<std::pair<std::string, std::string>>& headers);

 private:
  struct Idle {
    std::unique_ptr<httplib::ClientImpl> connection;
    std::chrono::steady_clock::time_point since;
  };

  std::unique_ptr<httplib::ClientImpl> acquire();
  std::unique_ptr<httplib::ClientImpl> connect() const;
  void release(std::unique_ptr<httplib::ClientImpl> connection);

  Endpoint endpoint_;  // connection settings only are used; credentials never leave HttpClient
  size_t max_idle_;
  std::mutex mutex_;
  std::vector<Idle> idle_;
};

}  // namespace puq::dsm::detail
