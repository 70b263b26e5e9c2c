#pragma once
// The WHMCS product email templates: the list for the "Email template" product setting, and the
// shipped "puqSynology Notification disk limit" template (docs/usage.md).
//
// The template text has one source, php-shim/modules/servers/puqSynology/email/disk-limit.tpl.txt;
// the daemon embeds a copy (kDiskLimitTemplateFile) and a unit test fails when the two differ.
// File format: header lines "Name: <name>", "Type: product", "Subject: <subject>", one empty line, then
// the HTML body.
#include <string>
#include <vector>

#include "puq/usage/usage_store.hpp"

namespace puq::usage {

extern const char* const kDiskLimitTemplateName;  // "puqSynology Notification disk limit"
extern const char* const kDiskLimitTemplateFile;  // the embedded copy of disk-limit.tpl.txt

struct EmailTemplateText {
  std::string name;  // "Name:" header ("" when absent)
  std::string type;  // "Type:" header
  std::string subject;
  std::string body;  // HTML, trailing white space removed
};

// Parses the file format above; throws puq::ConfigError without a "Subject:" header.
EmailTemplateText parseTemplateFile(const std::string& text);

struct InstallResult {
  std::string name;
  bool created = false;
};

class EmailTemplates {
 public:
  explicit EmailTemplates(UsageStore& store) : store_(store) {}
  // Product templates (type 'product', default language), sorted by name.
  std::vector<std::string> list();
  // Inserts the shipped template unless a product template of that name (any case) exists.
  InstallResult install();

 private:
  UsageStore& store_;
};

}  // namespace puq::usage
