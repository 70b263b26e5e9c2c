#pragma once
// ASCII case folding for the provisioning rules. DSM user names and the settings' keywords are ASCII;
// std::tolower would depend on the process locale.
#include <string>
#include <string_view>

namespace puq::provisioning::ascii {

inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

}  // namespace puq::provisioning::ascii
