#pragma once
// The product's Module Settings (tblproducts.configoption1..10) as typed values. Positions are fixed: they
// are the order of the PHP module's ConfigOptions and must never be reordered (docs/settings.md).
#include <cstdint>
#include <string>
#include <vector>

namespace puq::provisioning {

struct ProductSettings {
  double disk_size = 0;                 // display only; 0 = unlimited
  std::string disk_unit = "GB";         // MB | GB | TB
  std::string group;                    // DSM group; "" = not chosen yet (see requireGroup)
  int notify_percent = 90;              // 1..100
  std::string email_template;           // "" = None (no low-space email)
  int history_days = 30;                // 0..3650
  std::string instruction_link;         // "" or an http(s) URL
  std::string show_password = "button"; // button | plain | hidden
  std::string username_rule;            // validated by UsernameRule::parse
  int password_length = 12;             // 8..127

  // The displayed disk size in MB (1 GB = 1024 MB, 1 TB = 1024 GB), rounded; 0 = unlimited. A size above
  // zero is never rounded down to 0 (that would read as unlimited).
  int64_t diskLimitMb() const;
  // Create needs a group: throws puq::SettingError naming "Synology group" when none is set.
  void requireGroup() const;
};

// Parses configoption1..10 (configoptions[0] is configoption1; missing entries count as empty). Values are
// trimmed; an empty value takes the default. Throws puq::SettingError whose message names the setting by
// its label and says what is accepted.
ProductSettings parseProductSettings(const std::vector<std::string>& configoptions);

// One setting as the admin sees it, so the daemon can serve and document them.
struct SettingDescriptor {
  std::string label;                 // exactly as in the PHP module's ConfigOptions
  int position = 0;                  // N of configoptionN
  std::string type;                  // WHMCS field type: "text" or "dropdown"
  std::string default_value;         // as the admin would type or pick it
  std::string description;           // the help text shown under the field
  std::vector<std::string> options;  // dropdown choices; empty when loaded live (groups, email templates)
  std::string valid_values;          // what parseProductSettings accepts, in words
};

std::vector<SettingDescriptor> settingDescriptors();

}  // namespace puq::provisioning
