#pragma once
// The plugin's section of the config (`email_service:`), read once in start().
#include <memberd/config.hpp>

#include <chrono>

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
  // Unsubscribe links (RFC 8058): a new HMAC key this often; a replaced key
  // still verifies links for `keys_accepted_for` after it was replaced.
  std::chrono::seconds rotate_keys_every{};
  std::chrono::seconds keys_accepted_for{};
  std::string link_base;       // the member pages: <public_url>/account
  std::string api_base;        // <public_url>, for the one-click URL
  std::string list_id_domain;  // List-Id: <trade-alerts.<domain>>
  const Category* category(const std::string& id) const;
};

std::vector<ConfigKey> config_schema();
// public_url: Host::public_url(), the base of every link in mail.
Settings read_settings(const Config& config, const std::string& public_url);

}  // namespace memberd::email_service
