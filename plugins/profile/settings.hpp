#pragma once
// The plugin's section of the config (`profile:`), read once in start().
#include "profile_fields.hpp"

#include <memberd/config.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace memberd::profile {

struct Settings {
  std::vector<FieldSpec> fields;            // the form, in order
  std::chrono::seconds review_window{};     // submitted -> due
  std::vector<std::string> reject_reasons;  // offered to admins in the console
  bool mail_decisions = true;               // tell the member each decision
};

std::vector<ConfigKey> config_schema();
Settings read_settings(const Config& config);

}  // namespace memberd::profile
