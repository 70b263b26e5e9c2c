#pragma once
// Proof of delivery from WHMCS's own email log (tblemails, what the GetEmails API reads).
//
// The cron sends a notification with localAPI SendEmail and then acknowledges it to the daemon. When
// the daemon or the cron dies between the two, the send happened but the daemon never heard of it.
// Before such a notification is handed out again, the daemon looks in tblemails for an email to the
// same client, logged after the notification was handed out, whose subject is the template's subject:
// if there is one, the notification was delivered and is marked sent instead of being sent twice.
//
// A template subject is Smarty: "Disk space usage {$disk_used_percentage} % - {$username}". A tag
// whose value the notification carries as a string ({$username}) must appear as that text; any other
// tag (numbers, WHMCS's own merge fields, modifiers, {if}) matches any text.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace puq::usage {

class SubjectPattern {
 public:
  // Fewer literal characters than this and a subject says too little to prove anything.
  static constexpr size_t kMinLiteralChars = 4;

  SubjectPattern(const std::string& template_subject, const nlohmann::json& customvars);

  // True when `subject` (as WHMCS logged it) can be this template rendered for this notification.
  bool matches(const std::string& subject) const;
  // False when the template has too little literal text to match on (see kMinLiteralChars).
  bool usable() const { return literal_chars_ >= kMinLiteralChars; }

 private:
  // Literal pieces with a wildcard between each two: the first is the subject's prefix and the last
  // its suffix (either may be empty, when the subject starts or ends with a wildcard).
  std::vector<std::string> pieces_;
  size_t literal_chars_ = 0;
};

}  // namespace puq::usage
