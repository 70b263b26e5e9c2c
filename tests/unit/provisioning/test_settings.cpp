// Product settings (configoption1..10): defaults, every invalid value named by its label, disk units.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "puq/common/error.hpp"
#include "puq/provisioning/settings.hpp"

using puq::provisioning::parseProductSettings;
using puq::provisioning::ProductSettings;
using puq::provisioning::settingDescriptors;

namespace {

// configoptions with one position set (1-based, as configoptionN).
std::vector<std::string> withOption(int position, const std::string& value) {
  std::vector<std::string> options(24);
  options[static_cast<std::size_t>(position - 1)] = value;
  return options;
}

ProductSettings parseOne(int position, const std::string& value) {
  return parseProductSettings(withOption(position, value));
}

// Asserts that the value is refused with a SettingError whose message names the label.
void requireRefused(int position, const std::string& value, const std::string& label) {
  INFO("configoption" << position << " = \"" << value << "\"");
  try {
    parseOne(position, value);
    FAIL("accepted");
  } catch (const puq::SettingError& e) {
    INFO(e.what());
    CHECK(std::string(e.what()).find(label) != std::string::npos);
    CHECK(e.code() == "setting_invalid");
  }
}

}  // namespace

TEST_CASE("settings: empty values take the defaults", "[settings]") {
  using Options = std::vector<std::string>;
  for (const Options& options : {Options{}, Options(24), Options(10, "  ")}) {
    const ProductSettings s = parseProductSettings(options);
    CHECK(s.disk_size == 0);
    CHECK(s.disk_unit == "GB");
    CHECK(s.group.empty());
    CHECK(s.notify_percent == 90);
    CHECK(s.email_template.empty());
    CHECK(s.history_days == 30);
    CHECK(s.instruction_link.empty());
    CHECK(s.show_password == "button");
    CHECK(s.username_rule == "{client_id}-{service_id}-{random_digit_4}");
    CHECK(s.password_length == 12);
    CHECK(s.diskLimitMb() == 0);
  }
}

TEST_CASE("settings: a full valid product", "[settings]") {
  const ProductSettings s = parseProductSettings(
      {"1.5", "tb", " 10G ", "75%", "puqSynology Notification disk limit", "364", "https://puq.info/", "plain text",
       "nas{client_id}_{random_letter_3}", "20"});
  CHECK(s.disk_size == 1.5);
  CHECK(s.disk_unit == "TB");
  CHECK(s.group == "10G");
  CHECK(s.notify_percent == 75);
  CHECK(s.email_template == "puqSynology Notification disk limit");
  CHECK(s.history_days == 364);
  CHECK(s.instruction_link == "https://puq.info/");
  CHECK(s.show_password == "plain");
  CHECK(s.username_rule == "nas{client_id}_{random_letter_3}");
  CHECK(s.password_length == 20);
  CHECK(s.diskLimitMb() == 1572864);
  CHECK_NOTHROW(s.requireGroup());
}

TEST_CASE("settings: disk size and unit give the limit in MB", "[settings]") {
  struct Case { std::string size, unit; int64_t mb; };
  const std::vector<Case> cases = {
      {"0", "GB", 0},     {"0.0", "TB", 0},    {"10", "MB", 10},   {"10", "GB", 10240},  {"10", "", 10240},
      {"1", "TB", 1048576}, {"1.5", "GB", 1536}, {"0.5", "MB", 1},  {"0.001", "MB", 1},   {"2.25", "GB", 2304},
      {"+3", "mb", 3},    {".5", "GB", 512},   {"1e3", "MB", 1000}, {"1000000", "TB", 1048576000000LL},
  };
  for (const auto& c : cases) {
    INFO(c.size << " " << c.unit);
    std::vector<std::string> options(24);
    options[0] = c.size;
    options[1] = c.unit;
    CHECK(parseProductSettings(options).diskLimitMb() == c.mb);
  }
}

TEST_CASE("settings: every invalid value is refused naming its setting", "[settings]") {
  for (const char* v : {"abc", "-1", "1,5", "10 GB", "nan", "inf", "1e400", "1000001", "0x10"}) {
    requireRefused(1, v, "Disk size");
  }
  for (const char* v : {"PB", "G", "gigabytes", "1"}) requireRefused(2, v, "Disk unit");
  for (const char* v : {"bad\x01group", "a-group-name-longer-than-32-chars-x"}) requireRefused(3, v, "Synology group");
  for (const char* v : {"0", "101", "-5", "50.5", "ninety", "%"}) requireRefused(4, v, "Notify at %");
  requireRefused(5, "tem\nplate", "Email template");
  requireRefused(5, std::string(300, 't'), "Email template");
  for (const char* v : {"-1", "3651", "30.5", "a month"}) requireRefused(6, v, "Save history (days)");
  for (const char* v : {"ftp://example.com", "example.com/manual", "https://", "https:///path", "http://exa mple.com",
                        "https://example.com/<script>", "https://user:pass@example.com/", "https://example.com:0/",
                        "https://example.com:99999/", "https://example.com:/x", "javascript:alert(1)",
                        "https://ex\"ample.com", "https://[::1/"}) {
    requireRefused(7, v, "Link to instruction");
  }
  for (const char* v : {"show", "visible", "yes"}) requireRefused(8, v, "Show password");
  for (const char* v : {"{nope}", "{random_digit_0}", "{client_id", "x}"}) requireRefused(9, v, "Username rule");
  for (const char* v : {"7", "0", "-12", "128", "twelve", "12.5"}) requireRefused(10, v, "Password rule");
}

TEST_CASE("settings: accepted spellings", "[settings]") {
  CHECK(parseOne(2, "mb").disk_unit == "MB");
  CHECK(parseOne(4, "100").notify_percent == 100);
  CHECK(parseOne(4, "1").notify_percent == 1);
  CHECK(parseOne(5, "None").email_template.empty());
  CHECK(parseOne(5, "none").email_template.empty());
  CHECK(parseOne(6, "0").history_days == 0);
  CHECK(parseOne(6, "3650").history_days == 3650);
  for (const char* link : {"http://example.com", "HTTPS://Example.com/manual?page=1#top", "https://example.com:8443/x",
                           "https://[2001:db8::1]:5001/", "https://пример.рф/"}) {
    CHECK(parseOne(7, link).instruction_link == link);
  }
  CHECK(parseOne(8, "Show button").show_password == "button");
  CHECK(parseOne(8, "button").show_password == "button");
  CHECK(parseOne(8, "Plain text").show_password == "plain");
  CHECK(parseOne(8, "plain").show_password == "plain");
  CHECK(parseOne(8, "Hidden").show_password == "hidden");
  CHECK(parseOne(10, "8").password_length == 8);
  CHECK(parseOne(10, "127").password_length == 127);
}

TEST_CASE("settings: error messages say what is accepted", "[settings]") {
  CHECK_THROWS_WITH(parseOne(10, "6"), "Password rule must be a password length from 8 to 127 characters; got \"6\"");
  CHECK_THROWS_WITH(parseOne(6, "-1"), "Save history (days) must be a whole number of days from 0 to 3650; got \"-1\"");
  CHECK_THROWS_WITH(parseOne(9, "{foo}"), Catch::Contains("Username rule") && Catch::Contains("{foo}"));
}

TEST_CASE("settings: the group is required only to create", "[settings]") {
  const ProductSettings s = parseProductSettings({});
  CHECK(s.group.empty());
  CHECK_THROWS_AS(s.requireGroup(), puq::SettingError);
  CHECK_THROWS_WITH(s.requireGroup(), "Synology group is not set: choose a group in the product's Module Settings");
}

TEST_CASE("settings: descriptors list the ten settings in position order", "[settings]") {
  const auto descriptors = settingDescriptors();
  const std::vector<std::string> labels = {"Disk size", "Disk unit", "Synology group", "Notify at %", "Email template",
                                           "Save history (days)", "Link to instruction", "Show password",
                                           "Username rule", "Password rule"};
  REQUIRE(descriptors.size() == labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    CHECK(descriptors[i].label == labels[i]);
    CHECK(descriptors[i].position == static_cast<int>(i + 1));
    CHECK_FALSE(descriptors[i].description.empty());
    CHECK_FALSE(descriptors[i].valid_values.empty());
    // Every default parses (the group's default is "" and the rest are defaults of parseProductSettings).
    CHECK_NOTHROW(parseOne(static_cast<int>(i + 1), descriptors[i].default_value));
    // Every dropdown option parses.
    for (const std::string& option : descriptors[i].options) CHECK_NOTHROW(parseOne(static_cast<int>(i + 1), option));
  }
  const ProductSettings defaults = parseProductSettings({});
  CHECK(descriptors[8].default_value == defaults.username_rule);
  CHECK(descriptors[9].default_value == std::to_string(defaults.password_length));
}
