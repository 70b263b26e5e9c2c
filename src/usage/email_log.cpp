#include "puq/usage/email_log.hpp"

#include <algorithm>
#include <cctype>

namespace puq::usage {
namespace {

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// "{$name}" with a plain variable name, else "".
std::string plainVariable(const std::string& tag) {
  if (tag.size() < 4 || tag[0] != '{' || tag[1] != '$' || tag.back() != '}') return "";
  const std::string name = tag.substr(2, tag.size() - 3);
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return "";
  return name;
}

// "{if ...}", "{foreach ...}"...: a block whose text may or may not be rendered.
bool opensBlock(const std::string& tag) {
  static const char* const kBlocks[] = {"if", "foreach", "for", "section", "while", "capture", "strip", "block"};
  for (const char* b : kBlocks) {
    const std::string name(b);
    if (tag.compare(1, name.size(), name) == 0) {
      const char next = tag.size() > name.size() + 1 ? tag[name.size() + 1] : '}';
      if (next == '}' || std::isspace(static_cast<unsigned char>(next))) return true;
    }
  }
  return false;
}

}  // namespace

SubjectPattern::SubjectPattern(const std::string& template_subject, const nlohmann::json& customvars) {
  const std::string text = trim(template_subject);
  std::string literal;
  // A wildcard ends the current literal piece.
  auto wildcard = [&] {
    pieces_.push_back(literal);
    literal.clear();
  };
  int depth = 0;  // inside a block: all of it is one wildcard
  size_t i = 0;
  while (i < text.size()) {
    // Smarty tags start with "{" followed by a non-space (a "{ " is literal, as in Smarty's default).
    if (text[i] == '{' && i + 1 < text.size() && !std::isspace(static_cast<unsigned char>(text[i + 1]))) {
      const size_t close = text.find('}', i + 1);
      if (close != std::string::npos) {
        const std::string tag = text.substr(i, close - i + 1);
        i = close + 1;
        if (opensBlock(tag)) {
          if (depth++ == 0) wildcard();
          continue;
        }
        if (tag[1] == '/') {
          depth = std::max(0, depth - 1);
          continue;
        }
        if (depth > 0) continue;
        const std::string name = plainVariable(tag);
        const nlohmann::json* value = nullptr;
        if (!name.empty() && customvars.is_object()) {
          auto it = customvars.find(name);
          if (it != customvars.end()) value = &*it;
        }
        if (value != nullptr && value->is_string())
          literal += value->get<std::string>();
        else
          wildcard();
        continue;
      }
    }
    if (depth == 0) literal += text[i];
    ++i;
  }
  pieces_.push_back(literal);
  for (const auto& p : pieces_) literal_chars_ += p.size();
}

bool SubjectPattern::matches(const std::string& raw_subject) const {
  if (!usable()) return false;
  const std::string subject = trim(raw_subject);
  // pieces_[0] is the prefix and pieces_.back() the suffix (each may be empty); wildcards between.
  if (pieces_.size() == 1) return subject == pieces_[0];
  const std::string& first = pieces_.front();
  const std::string& last = pieces_.back();
  if (subject.size() < first.size() + last.size()) return false;
  if (subject.compare(0, first.size(), first) != 0) return false;
  if (subject.compare(subject.size() - last.size(), last.size(), last) != 0) return false;
  size_t pos = first.size();
  const size_t end = subject.size() - last.size();
  for (size_t k = 1; k + 1 < pieces_.size(); ++k) {
    if (pieces_[k].empty()) continue;
    const size_t found = subject.find(pieces_[k], pos);
    if (found == std::string::npos || found + pieces_[k].size() > end) return false;
    pos = found + pieces_[k].size();
  }
  return true;
}

}  // namespace puq::usage
