#pragma once
// Reading WHMCS's configuration.php without executing PHP: only `$name = 'literal';` assignments are
// understood. Private to src/common (used by config.cpp, tested through loadConfig).
#include <map>
#include <optional>
#include <string>

namespace puq::whmcs_php {

struct PhpValue {
  std::string value;     // the decoded literal (valid when literal is true)
  bool literal = false;  // false: the right-hand side is an expression we do not evaluate
  int line = 0;
};

// Top-level `$var = <literal>;` assignments, keyed by variable name without '$'. A later assignment
// replaces an earlier one, as in PHP. Literals: 'single' and "double" quoted strings with PHP's escape
// rules (a double-quoted string that interpolates a variable is not a literal) and bare numbers.
// Comments (//, #, /* */) are skipped, so a commented-out assignment is ignored.
std::map<std::string, PhpValue> parsePhpAssignments(const std::string& source);

// WHMCS allows "$db_host" to carry a port ("db:3307", "[::1]:3307") or a socket ("localhost:/run/x.sock").
struct DbHost {
  std::string host;
  std::optional<int> port;
  std::string socket;
};
DbHost splitDbHost(const std::string& db_host);

}  // namespace puq::whmcs_php
