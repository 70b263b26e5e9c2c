#pragma once
// Compares two JSON documents by shape: the same key set in every object, the same JSON type at every
// node (integers and floats are different types; signed and unsigned integers are the same). Values
// are not compared, because fixtures hold placeholders. Arrays: each actual element is compared with
// the expected element at the same index, or with the last expected one when the actual array is
// longer (fixtures often show fewer rows than a live answer). An empty expected array accepts anything.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace puq::test {

inline std::string jsonKind(const nlohmann::json& j) {
  if (j.is_number_float()) return "float";
  if (j.is_number()) return "integer";
  return j.type_name();
}

inline void shapeDiff(const nlohmann::json& expected, const nlohmann::json& actual, const std::string& path,
                      std::vector<std::string>& out) {
  if (jsonKind(expected) != jsonKind(actual)) {
    out.push_back(path + ": expected " + jsonKind(expected) + ", got " + jsonKind(actual));
    return;
  }
  if (expected.is_object()) {
    for (const auto& [key, value] : expected.items()) {
      if (!actual.contains(key)) out.push_back(path + ": missing key \"" + key + "\"");
      else shapeDiff(value, actual[key], path + "." + key, out);
    }
    for (const auto& [key, value] : actual.items())
      if (!expected.contains(key)) out.push_back(path + ": unexpected key \"" + key + "\"");
  } else if (expected.is_array() && !expected.empty()) {
    for (size_t i = 0; i < actual.size(); ++i)
      shapeDiff(expected[std::min(i, expected.size() - 1)], actual[i], path + "[" + std::to_string(i) + "]", out);
  }
}

// Empty when the shapes match; otherwise one line per difference (for a readable test failure).
inline std::vector<std::string> shapeDiff(const nlohmann::json& expected, const nlohmann::json& actual) {
  std::vector<std::string> out;
  shapeDiff(expected, actual, "$", out);
  return out;
}

}  // namespace puq::test
