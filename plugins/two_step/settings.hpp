#pragma once
// The plugin's settings, declared for the host and read once at start, and
// the operator's key they point to.
#include "secret_box.hpp"

#include <memberd/config.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace memberd::two_step {

struct Settings {
  std::string issuer = "memberd";  // the account's label in the app
  std::string secret_key_file;
  std::string secret_key_env = "MEMBERD_TWO_STEP_KEY";
  int passkey_sign_ins_per_network_per_minute = 60;
  std::chrono::seconds remember_device_for{30 * 86400};  // 0: members cannot ask
};

std::vector<ConfigKey> config_schema();
Settings read_settings(const Config& config);

// The key that seals authenticator secrets: from secret_key_file when set
// (a file no one but its owner and group may read), else from the
// environment variable secret_key_env. Throws std::runtime_error, saying
// what to do, when there is none or it is not 64 hex digits: the plugin
// does not start without it.
Key read_key(const Settings& settings);

}  // namespace memberd::two_step
