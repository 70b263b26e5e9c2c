// A small PHP lexer for WHMCS's configuration.php: enough to read literal assignments, never executes.
#include "whmcs_configuration.hpp"

#include <cctype>

namespace puq::whmcs_php {
namespace {

bool isIdentifierStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool isIdentifierChar(char c) { return isIdentifierStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void appendUtf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | ((cp >> 18) & 0x07));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class PhpScanner {
 public:
  explicit PhpScanner(const std::string& source) : s_(source) {}

  std::map<std::string, PhpValue> run() {
    std::map<std::string, PhpValue> vars;
    while (i_ < s_.size()) {
      if (skipCommentOrNewline()) continue;
      const char c = s_[i_];
      if (c == '\'' || c == '"') {
        std::string ignored;
        readString(ignored);
        continue;
      }
      if (c == '<' && s_.compare(i_, 3, "<<<") == 0) {
        skipHeredoc();
        continue;
      }
      if (c == '$' && i_ + 1 < s_.size() && isIdentifierStart(s_[i_ + 1])) {
        readAssignment(vars);
        continue;
      }
      ++i_;
    }
    return vars;
  }

 private:
  // Skips one comment or a newline (counting lines). True when something was skipped.
  bool skipCommentOrNewline() {
    const char c = s_[i_];
    if (c == '\n') {
      ++line_;
      ++i_;
      return true;
    }
    if (c == '#' || (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '/')) {
      while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      return true;
    }
    if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '*') {
      i_ += 2;
      while (i_ < s_.size() && s_.compare(i_, 2, "*/") != 0) {
        if (s_[i_] == '\n') ++line_;
        ++i_;
      }
      i_ = std::min(s_.size(), i_ + 2);
      return true;
    }
    return false;
  }

  void skipBlanks() {
    while (i_ < s_.size()) {
      if (skipCommentOrNewline()) continue;
      if (std::isspace(static_cast<unsigned char>(s_[i_]))) {
        ++i_;
        continue;
      }
      break;
    }
  }

  // Reads a quoted string starting at i_. Returns false when the string is not a plain literal
  // (it interpolates variables) or is unterminated.
  bool readString(std::string& out) {
    const char quote = s_[i_++];
    bool literal = true;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == quote) {
        ++i_;
        return literal;
      }
      if (c == '\n') ++line_;
      if (c == '\\' && i_ + 1 < s_.size()) {
        if (quote == '\'') {
          const char next = s_[i_ + 1];
          if (next == '\'' || next == '\\') {
            out += next;
            i_ += 2;
          } else {
            out += c;
            ++i_;
          }
          continue;
        }
        readDoubleQuotedEscape(out);
        continue;
      }
      if (quote == '"' && c == '$' && i_ + 1 < s_.size() && (isIdentifierStart(s_[i_ + 1]) || s_[i_ + 1] == '{'))
        literal = false;  // "$var" / "${var}" interpolation: a value we do not evaluate
      if (quote == '"' && c == '{' && i_ + 1 < s_.size() && s_[i_ + 1] == '$') literal = false;
      out += c;
      ++i_;
    }
    return false;  // unterminated
  }

  // PHP double-quoted escapes; i_ is at the backslash.
  void readDoubleQuotedEscape(std::string& out) {
    const char e = s_[i_ + 1];
    switch (e) {
      case 'n': out += '\n'; i_ += 2; return;
      case 't': out += '\t'; i_ += 2; return;
      case 'r': out += '\r'; i_ += 2; return;
      case 'v': out += '\v'; i_ += 2; return;
      case 'e': out += '\x1b'; i_ += 2; return;
      case 'f': out += '\f'; i_ += 2; return;
      case '\\': case '$': case '"': out += e; i_ += 2; return;
      default: break;
    }
    if (e >= '0' && e <= '7') {  // \[0-7]{1,3}
      size_t j = i_ + 1;
      int value = 0;
      for (int n = 0; n < 3 && j < s_.size() && s_[j] >= '0' && s_[j] <= '7'; ++n, ++j) value = value * 8 + (s_[j] - '0');
      out += static_cast<char>(value & 0xFF);
      i_ = j;
      return;
    }
    if (e == 'x' && i_ + 2 < s_.size() && hexValue(s_[i_ + 2]) >= 0) {  // \x[0-9A-Fa-f]{1,2}
      size_t j = i_ + 2;
      int value = 0;
      for (int n = 0; n < 2 && j < s_.size() && hexValue(s_[j]) >= 0; ++n, ++j) value = value * 16 + hexValue(s_[j]);
      out += static_cast<char>(value);
      i_ = j;
      return;
    }
    if (e == 'u' && i_ + 2 < s_.size() && s_[i_ + 2] == '{') {  // \u{codepoint}
      size_t j = i_ + 3;
      unsigned long cp = 0;
      size_t digits = 0;
      while (j < s_.size() && hexValue(s_[j]) >= 0 && digits < 6) cp = cp * 16 + hexValue(s_[j++]), ++digits;
      if (digits > 0 && j < s_.size() && s_[j] == '}' && cp <= 0x10FFFF) {
        appendUtf8(out, cp);
        i_ = j + 1;
        return;
      }
    }
    out += '\\';  // unknown escape: PHP keeps the backslash
    ++i_;
  }

  void skipHeredoc() {
    i_ += 3;
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
    if (i_ < s_.size() && (s_[i_] == '\'' || s_[i_] == '"')) ++i_;
    std::string label;
    while (i_ < s_.size() && isIdentifierChar(s_[i_])) label += s_[i_++];
    if (label.empty()) return;
    // The body ends at a line whose first non-blank text is the label.
    while (i_ < s_.size()) {
      if (s_[i_] == '\n') {
        ++line_;
        size_t j = i_ + 1;
        while (j < s_.size() && (s_[j] == ' ' || s_[j] == '\t')) ++j;
        if (s_.compare(j, label.size(), label) == 0 &&
            (j + label.size() >= s_.size() || !isIdentifierChar(s_[j + label.size()]))) {
          i_ = j + label.size();
          return;
        }
      }
      ++i_;
    }
  }

  void readAssignment(std::map<std::string, PhpValue>& vars) {
    ++i_;  // '$'
    std::string name;
    while (i_ < s_.size() && isIdentifierChar(s_[i_])) name += s_[i_++];
    const int line = line_;
    skipBlanks();
    if (i_ >= s_.size() || s_[i_] != '=') return;
    if (i_ + 1 < s_.size() && (s_[i_ + 1] == '=' || s_[i_ + 1] == '>')) return;  // ==, => are not assignments
    ++i_;
    skipBlanks();
    PhpValue value;
    value.line = line;
    if (i_ < s_.size() && (s_[i_] == '\'' || s_[i_] == '"')) {
      value.literal = readString(value.value);
    } else if (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
      while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.')) value.value += s_[i_++];
      value.literal = true;
    }
    if (value.literal) {
      skipBlanks();
      value.literal = i_ < s_.size() && s_[i_] == ';';  // 'a' . 'b', getenv(...) etc. are expressions
    }
    if (!value.literal) value.value.clear();
    vars[name] = value;
  }

  const std::string& s_;
  size_t i_ = 0;
  int line_ = 1;
};

bool allDigits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

std::optional<int> portNumber(const std::string& s) {
  if (!allDigits(s) || s.size() > 5) return std::nullopt;
  int port = std::stoi(s);
  if (port < 1 || port > 65535) return std::nullopt;
  return port;
}

}  // namespace

std::map<std::string, PhpValue> parsePhpAssignments(const std::string& source) {
  return PhpScanner(source).run();
}

DbHost splitDbHost(const std::string& db_host) {
  DbHost out;
  if (!db_host.empty() && db_host[0] == '[') {  // [IPv6]:port
    auto close = db_host.find(']');
    if (close != std::string::npos) {
      out.host = db_host.substr(1, close - 1);
      if (close + 1 < db_host.size() && db_host[close + 1] == ':') out.port = portNumber(db_host.substr(close + 2));
      return out;
    }
  }
  auto colon = db_host.find(':');
  if (colon == std::string::npos || db_host.find(':', colon + 1) != std::string::npos) {
    out.host = db_host;  // no port, or a bare IPv6 address
    return out;
  }
  const std::string after = db_host.substr(colon + 1);
  if (!after.empty() && after[0] == '/') {
    out.host = db_host.substr(0, colon);
    out.socket = after;
  } else if (auto port = portNumber(after)) {
    out.host = db_host.substr(0, colon);
    out.port = port;
  } else {
    out.host = db_host;  // not a port: leave it for the database client to report
  }
  return out;
}

}  // namespace puq::whmcs_php
