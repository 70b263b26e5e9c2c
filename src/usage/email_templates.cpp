#include "puq/usage/email_templates.hpp"

#include "puq/common/error.hpp"

namespace puq::usage {

const char* const kDiskLimitTemplateName = "puqSynology Notification disk limit";

// Keep identical to php-shim/modules/servers/puqSynology/email/disk-limit.tpl.txt (a test compares them).
const char* const kDiskLimitTemplateFile = R"tpl(Name: puqSynology Notification disk limit
Type: product
Subject: Disk space usage {$disk_used_percentage} % - {$username}

<p>Dear {$client_name},</p>
<p>This letter informs you that the disk space usage limit is coming to an end.</p>
<p>Product/Service: <strong>{$service_product_name}</strong><br />
Due Date: <strong>{$service_next_due_date}</strong></p>
<p>Username: <strong>{$username}</strong></p>
<p>Disk limit: <strong>{$disk_limit_bytes*$unit_coefficient} {$unit}</strong><br />
Disk used: <strong>{$disk_used_unit} {$unit} ({$disk_used_percentage} %)</strong><br />
Disk free: <strong>{$disk_free_unit} {$unit} ({$disk_free_percentage} %)</strong></p>
<p>{$signature}</p>
)tpl";

namespace {

std::string rtrim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.pop_back();
  return s;
}

}  // namespace

EmailTemplateText parseTemplateFile(const std::string& text) {
  EmailTemplateText t;
  std::size_t at = 0;
  bool has_subject = false;
  // Header lines "Key: value" up to the first empty line.
  while (at < text.size()) {
    const std::size_t eol = text.find('\n', at);
    const std::string line = rtrim(text.substr(at, eol == std::string::npos ? std::string::npos : eol - at));
    at = eol == std::string::npos ? text.size() : eol + 1;
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) {
      throw ConfigError("An email template file starts with 'Key: value' header lines; got \"" + line + "\"");
    }
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    const std::string key = line.substr(0, colon);
    if (key == "Subject") {
      t.subject = value;
      has_subject = true;
    } else if (key == "Name") {
      t.name = value;
    } else if (key == "Type") {
      t.type = value;
    }
  }
  if (!has_subject) throw ConfigError("An email template file needs a 'Subject: ...' header line");
  std::string body = text.substr(std::min(at, text.size()));
  while (!body.empty() && (body.front() == '\n' || body.front() == '\r')) body.erase(0, 1);
  t.body = rtrim(body);
  return t;
}

std::vector<std::string> EmailTemplates::list() { return store_.productTemplates(); }

InstallResult EmailTemplates::install() {
  static const EmailTemplateText text = parseTemplateFile(kDiskLimitTemplateFile);
  InstallResult r;
  r.name = text.name.empty() ? kDiskLimitTemplateName : text.name;
  r.created = store_.installProductTemplate(r.name, text.subject, text.body);
  return r;
}

}  // namespace puq::usage
