// The shared secret file is refused unless only its owner and group can read it, nobody else has any access,
// and it is long enough.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "puq/common/error.hpp"
#include "puq/common/secrets.hpp"
#include "temp_dir.hpp"

using puq::test::TempDir;

namespace {
std::string refusal(const std::string& path) {
  try {
    puq::loadSecretFile(path);
  } catch (const puq::ConfigError& e) {
    return e.what();
  }
  FAIL("loadSecretFile accepted " << path);
  return "";
}
const std::string kSecret48 = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldC0x";  // 48 characters
}  // namespace

TEST_CASE("secret file: a private file of 32+ characters is accepted and trimmed", "[secrets]") {
  TempDir dir;
  CHECK(puq::loadSecretFile(dir.write("secret", "  " + kSecret48 + "\n\n", 0600)) == kSecret48);
  CHECK(puq::loadSecretFile(dir.write("secret-ro", std::string(32, 'x'), 0400)) == std::string(32, 'x'));
}

TEST_CASE("secret file: group read is accepted (the packaged 0640 root:puq-synologyd, web server in the group)",
          "[secrets]") {
  TempDir dir;
  CHECK(puq::loadSecretFile(dir.write("secret", kSecret48 + "\n", 0640)) == kSecret48);
  CHECK(puq::loadSecretFile(dir.write("secret-ro", kSecret48, 0440)) == kSecret48);
}

TEST_CASE("secret file: missing is refused with the command that creates it", "[secrets]") {
  TempDir dir;
  const std::string path = dir.path() + "/absent";
  const std::string message = refusal(path);
  CHECK(message.find("secret file " + path + " does not exist") != std::string::npos);
  CHECK(message.find("head -c 48 /dev/urandom | base64 > " + path + " && chmod 600 " + path) != std::string::npos);
}

TEST_CASE("secret file: writable by group, or any access by others, is refused", "[secrets]") {
  TempDir dir;
  for (mode_t mode : {0644, 0604, 0620, 0602, 0660, 0650, 0641}) {
    INFO(std::oct << mode);
    const std::string path = dir.write("secret", kSecret48, mode);
    const std::string message = refusal(path);
    CHECK(message.find("gives its group more than read access or others any access") != std::string::npos);
    CHECK(message.find("chmod 640 " + path) != std::string::npos);
    CHECK(message.find(kSecret48) == std::string::npos);  // never echo the secret
  }
  CHECK(refusal(dir.write("secret", kSecret48, 0644)).find("(mode 0644)") != std::string::npos);
}

TEST_CASE("secret file: shorter than 32 characters after trimming is refused", "[secrets]") {
  TempDir dir;
  const std::string message = refusal(dir.write("secret", "   " + std::string(31, 'a') + "   \n", 0600));
  CHECK(message.find("is 31 characters long; at least 32 are required") != std::string::npos);
  CHECK(refusal(dir.write("secret", "", 0600)).find("is 0 characters long") != std::string::npos);
}

TEST_CASE("secret file: a directory is refused", "[secrets]") {
  TempDir dir;
  CHECK(refusal(dir.path()).find("is not a regular file") != std::string::npos);
}
