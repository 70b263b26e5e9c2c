// The shared secret file: refused unless only its owner and its group can read it, nobody else has any
// access, and it is long enough. Group read is what lets the web server's PHP (a member of the daemon's
// group) sign requests with the same file: the package installs it root:puq-synologyd 0640.
#include "puq/common/secrets.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "puq/common/error.hpp"

namespace puq {
namespace {

constexpr size_t kMaxSecretFileBytes = 64 * 1024;  // a secret file is tiny; anything bigger is a mistake

std::string createCommand(const std::string& path) {
  return "head -c 48 /dev/urandom | base64 > " + path + " && chmod 600 " + path;
}

std::string trimmed(const std::string& s) {
  const char* ws = " \t\r\n\f\v";
  auto begin = s.find_first_not_of(ws);
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(ws) - begin + 1);
}

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string loadSecretFile(const std::string& path) {
  // O_NONBLOCK: opening a FIFO put there by mistake must not hang the daemon.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    const int error = errno;
    if (error == ENOENT)
      throw ConfigError("secret file " + path + " does not exist; create it with: " + createCommand(path) +
                        " (and give the PHP module the same secret)");
    if (error == EACCES)
      throw ConfigError("cannot read secret file " + path +
                        ": permission denied; the daemon's user must be able to read it: chgrp <daemon group> " +
                        path + " && chmod 640 " + path);
    throw ConfigError("cannot open secret file " + path + ": " + std::strerror(error));
  }
  FdCloser closer{fd};

  struct stat st {};
  if (::fstat(fd, &st) != 0) throw ConfigError("cannot stat secret file " + path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    throw ConfigError("secret file " + path + " is not a regular file; create one with: " + createCommand(path));
  if (st.st_mode & 037) {  // more than read for the group, or anything for others
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    throw ConfigError("secret file " + path + " gives its group more than read access or others any access (mode " +
                      mode + "); restrict it: chmod 640 " + path + " (owner and group read) or chmod 600 " + path);
  }
  if (static_cast<size_t>(st.st_size) > kMaxSecretFileBytes)
    throw ConfigError("secret file " + path + " is larger than 64 KiB, so it is not a secret file; create one with: " +
                      createCommand(path));

  std::string content;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw ConfigError("cannot read secret file " + path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
    if (content.size() > kMaxSecretFileBytes) throw ConfigError("secret file " + path + " is larger than 64 KiB");
  }
  std::string secret = trimmed(content);
  if (secret.size() < kMinSecretLength)
    throw ConfigError("the secret in " + path + " is " + std::to_string(secret.size()) + " characters long; at least " +
                      std::to_string(kMinSecretLength) + " are required; create a new one with: " +
                      createCommand(path));
  return secret;
}

}  // namespace puq
