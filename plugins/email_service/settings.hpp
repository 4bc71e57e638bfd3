#pragma once
// The plugin's section of the config (`email_service:`), read once in start().
#include <memberd/config.hpp>

#include <string>
#include <vector>

namespace memberd::email_service {

struct Category {
  std::string id;           // [a-z0-9_], stored: never reuse one for another category
  std::string label;        // "Trade Alerts"
  std::string description;  // one sentence a member reads beside the switch
  bool subscribed_by_default = true;
};

struct Settings {
  std::vector<Category> categories;
  const Category* category(const std::string& id) const;
};

std::vector<ConfigKey> config_schema();
Settings read_settings(const Config& config);

}  // namespace memberd::email_service
