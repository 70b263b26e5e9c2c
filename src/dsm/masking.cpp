#include "puq/dsm/masking.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace puq::dsm {

namespace {

constexpr const char* kSecretKeys[] = {
    "password", "passwd", "new_password",       "_sid", "sid", "synotoken", "device_id", "did",
    "otp_code", "token",  "synoconfirmpwtoken",
};

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Index just past the JSON string starting at text[start] == '"' (or text.size() if unterminated).
size_t skipJsonString(std::string_view text, size_t start) {
  size_t i = start + 1;
  while (i < text.size()) {
    if (text[i] == '\\') {
      i += 2;
    } else if (text[i] == '"') {
      return i + 1;
    } else {
      ++i;
    }
  }
  return text.size();
}

size_t skipSpaces(std::string_view text, size_t i) {
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  return i;
}

// Decodes %XX and '+' of a URL-encoded key; good enough to recognise key names.
std::string urlDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

bool isSecretKey(std::string_view key) {
  for (const char* secret : kSecretKeys) {
    if (equalsIgnoreCase(key, secret)) return true;
  }
  return false;
}

std::string maskJsonSecrets(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '"') {
      out += text[i++];
      continue;
    }
    const size_t key_end = skipJsonString(text, i);
    out.append(text.substr(i, key_end - i));
    const std::string_view key = text.substr(i + 1, key_end >= i + 2 ? key_end - i - 2 : 0);
    i = key_end;
    const size_t colon = skipSpaces(text, i);
    if (colon >= text.size() || text[colon] != ':' || !isSecretKey(key)) continue;
    // A secret key: copy ": " and replace the value, whatever its type.
    const size_t value_start = skipSpaces(text, colon + 1);
    out.append(text.substr(i, value_start - i));
    size_t value_end = value_start;
    if (value_start < text.size() && text[value_start] == '"') {
      value_end = skipJsonString(text, value_start);
    } else {
      while (value_end < text.size() && text[value_end] != ',' && text[value_end] != '}' && text[value_end] != ']' &&
             !std::isspace(static_cast<unsigned char>(text[value_end]))) {
        ++value_end;
      }
    }
    out += '"';
    out += kMasked;
    out += '"';
    i = value_end;
  }
  return out;
}

std::string maskFormSecrets(std::string_view form) {
  std::string out;
  out.reserve(form.size());
  size_t start = 0;
  while (start <= form.size()) {
    size_t end = form.find('&', start);
    if (end == std::string_view::npos) end = form.size();
    const std::string_view field = form.substr(start, end - start);
    const size_t eq = field.find('=');
    if (eq != std::string_view::npos && isSecretKey(urlDecode(field.substr(0, eq)))) {
      out.append(field.substr(0, eq + 1));
      out += kMasked;
    } else {
      // A JSON value (compound list, object) may hold secret keys of its own.
      out += maskJsonSecrets(field);
    }
    if (end == form.size()) break;
    out += '&';
    start = end + 1;
  }
  return out;
}

std::string maskSecrets(std::string_view text) {
  const size_t first = skipSpaces(text, 0);
  if (first < text.size() && (text[first] == '{' || text[first] == '[')) return maskJsonSecrets(text);
  return maskFormSecrets(text);
}

std::string scrubSecretValues(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (secret.size() < 4) continue;
    std::string escaped = nlohmann::json(secret).dump();  // JSON-escaped form, with quotes
    escaped = escaped.substr(1, escaped.size() - 2);
    for (const std::string& needle : {secret, escaped}) {
      size_t pos = 0;
      while ((pos = text.find(needle, pos)) != std::string::npos) {
        text.replace(pos, needle.size(), kMasked);
        pos += std::char_traits<char>::length(kMasked);
      }
    }
  }
  return text;
}

std::string truncateUtf8(std::string text, size_t max_bytes) {
  static const std::string kMarker = "...[truncated]";
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes > kMarker.size() ? max_bytes - kMarker.size() : 0;
  // Do not split a multi-byte character: back off over continuation bytes (10xxxxxx).
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  text += kMarker;
  return text;
}

}  // namespace puq::dsm
