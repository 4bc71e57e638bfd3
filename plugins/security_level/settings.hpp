#pragma once
// The plugin's section of the config (`security_level:`), read once in start().
#include <memberd/config.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace memberd::security_level {

struct Settings {
  std::chrono::seconds keep_records_for{};    // retention of sign-in records
  int new_location_window = 10;               // successful sign-ins a new one is compared with
  bool mail_new_location = true;              // "new sign-in" mail
  std::chrono::seconds password_max_age{};    // older than this: advise a change
  std::chrono::seconds recent{};              // how far back failures and anonymous sign-ins count
  int recent_failures_allowed = 2;            // more failed attempts than this within `recent` lowers the level
  std::string whois_url;                      // with {ip}
};

std::vector<ConfigKey> config_schema();
Settings read_settings(const Config& config);

// The WHOIS link for `ip`: the template with {ip} replaced (the address is
// percent-encoded where a URL needs it: IPv6's ':' stays, nothing else is
// special in an address).
std::string whois_url(const std::string& url_template, const std::string& ip);

}  // namespace memberd::security_level
