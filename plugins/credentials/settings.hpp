#pragma once
// The plugin's settings: declared for the host (config_schema) and read once
// at start into plain values.
#include <memberd/config.hpp>
#include <memberd/host.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace memberd::credentials {

struct Question {
  std::string id, text;
};

struct Settings {
  std::vector<Question> questions;
  std::chrono::seconds step_up{600};
  bool verify_new_email = true;
  std::chrono::seconds reset_token_lifetime{1800};
  std::chrono::seconds verification_token_lifetime{86400};
  std::string link_base;
  int address_failures_per_minute = 20;
  int joins_per_network_per_hour = 20;
  int resets_per_account_per_hour = 3;
  int resets_per_network_per_hour = 20;
  int email_changes_per_member_per_hour = 5;
  int email_changes_per_network_per_hour = 20;

  const Question* question(std::string_view id) const;
};

std::vector<ConfigKey> config_schema();
Settings read_settings(const Config& config, const Host& host);

}  // namespace memberd::credentials
