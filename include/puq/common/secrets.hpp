#pragma once
// The shared secret between the PHP module and the daemon (docs/api.md, docs/config.md).
#include <cstddef>
#include <string>

namespace puq {

inline constexpr std::size_t kMinSecretLength = 32;

// Returns the file's content with surrounding whitespace trimmed. Throws ConfigError, naming the fix,
// when the file is missing, not a regular file, readable or writable by group or others
// (st_mode & 077), or shorter than kMinSecretLength characters after trimming.
std::string loadSecretFile(const std::string& path);

}  // namespace puq
