#include "settings.hpp"

#include <memberd/config_checks.hpp>
#include <memberd/settings_binding.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace memberd::two_step {

namespace {

const SettingsBinding<Settings>& binding() {
  using S = Settings;
  static const auto b =
      SettingsBinding<S>{}
          .bind("issuer", &S::issuer, "\"memberd\"",
                "The name an authenticator app shows beside the member's account (the marketplace's name)")
          .bind("secret_key_file", &S::secret_key_file, "\"\"",
                "A file holding the key that encrypts authenticator secrets at rest: 64 hex digits "
                "(openssl rand -hex 32), readable by the daemon and no one else; empty: secret_key_env")
          .bind("secret_key_env", &S::secret_key_env, "\"MEMBERD_TWO_STEP_KEY\"",
                "The environment variable that holds the key when secret_key_file is empty")
          .bind("passkey_sign_ins_per_network_per_minute", &S::passkey_sign_ins_per_network_per_minute, "60",
                "Passkey sign-ins a client network (IPv4 address or IPv6 /64) may begin per minute (429 past it)",
                integer_between(1, 100000))
          .bind("remember_device_for", &S::remember_device_for, "30d",
                "How long a browser a member asked to remember skips the second step (until then, forgetting it, "
                "turning two-step off or a password change); 0s: the option is not offered",
                duration_between(0, 365 * 86400, "0s to 365d"));
  return b;
}

const char* kHowTo =
    "; create one with `openssl rand -hex 32 > /etc/memberd/two-step.key`, readable only by the daemon's user, "
    "and set two_step.secret_key_file to it (or put the 64 hex digits in the environment variable named by "
    "two_step.secret_key_env). Keep it safe: without it no member can pass their authenticator app's step";

}  // namespace

std::vector<ConfigKey> config_schema() { return binding().schema(); }

Settings read_settings(const Config& config) { return binding().read(config); }

Key read_key(const Settings& settings) {
  std::string text, from;
  if (!settings.secret_key_file.empty()) {
    from = "two_step.secret_key_file " + settings.secret_key_file;
    struct stat st{};
    if (::stat(settings.secret_key_file.c_str(), &st) != 0)
      throw std::runtime_error(from + " cannot be read" + kHowTo);
    if (st.st_mode & S_IROTH)
      throw std::runtime_error(from + " may be read by every user; chmod o-r it (the key must stay secret)");
    std::ifstream in(settings.secret_key_file);
    std::ostringstream all;
    all << in.rdbuf();
    if (!in) throw std::runtime_error(from + " cannot be read" + kHowTo);
    text = all.str();
  } else {
    from = "the environment variable " + settings.secret_key_env;
    const char* value = settings.secret_key_env.empty() ? nullptr : std::getenv(settings.secret_key_env.c_str());
    if (!value || !*value)
      throw std::runtime_error("two-step verification needs a key to encrypt authenticator secrets, and " + from +
                               " is not set" + kHowTo);
    text = value;
  }
  auto key = parse_key(text);
  if (!key) throw std::runtime_error(from + " does not hold a key of 64 hex digits" + kHowTo);
  return *key;
}

}  // namespace memberd::two_step
