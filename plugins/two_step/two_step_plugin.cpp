// Registration only: what the plugin is, its schema and settings, its
// routes, and its place in sign-in as the second step's provider.
#include "embedded_files.hpp"
#include "provider.hpp"
#include "reclaim.hpp"
#include "remembered_devices.hpp"
#include "routes.hpp"
#include "settings.hpp"

#include <memberd/migrations.hpp>
#include <memberd/plugin.hpp>
#include <memberd/sign_in_factors.hpp>

#include <openssl/crypto.h>

namespace memberd::two_step {

class TwoStepPlugin final : public Plugin {
 public:
  PluginInfo info() const override {
    return {"two_step", "1.0.0", "Two-step verification: an authenticator app and recovery codes at sign-in"};
  }
  std::vector<Migration> migrations() const override { return migrations_from_files(schema::files()); }
  std::vector<ConfigKey> config_schema() const override { return two_step::config_schema(); }

  void start(Host& host, const Config& config) override {
    Settings settings = read_settings(config);
    Key key = read_key(settings);  // throws, saying what to do: no start without it
    context_ = std::make_unique<Context>(host, std::move(settings), key);
    OPENSSL_cleanse(key.data(), key.size());
    add_settings_routes(*context_);
    add_sign_in_routes(*context_);
    add_passkey_routes(*context_);
    add_admin_routes(*context_);
    host.provide_member_data(member_data_provider(*context_));
    forget_factors_of_reclaimed_accounts(*context_);
    forget_devices_on_password_change(*context_);
    host.add_mail_templates(mail::files());
    host.add_ui_files(ui::files());
    // After Set a Security Question (50), before Security Level (60).
    host.add_ui({UiShell::account, "two-step", "Two-Step Verification", 55, Access::member, "two-step.js",
                 {"two-step.css"}});
    // The sign-in page sends a member here when their password was right.
    host.add_ui({UiShell::account, "second-step", "Confirm it is you", 7, Access::anyone, "second-step.js",
                 {"two-step.css"}, false});
    // The console's page of a member links here (its module's memberLink).
    host.add_ui({UiShell::console, "two-step", "Two-step", 30, Access::admin, "two-step-admin.js", {"two-step.css"}});
    // Linked from the sign-in page: a passkey alone.
    host.add_ui({UiShell::account, "passkey-sign-in", "Sign in with a passkey", 8, Access::anyone,
                 "passkey-sign-in.js", {"two-step.css"}, false});
    host.add_api_description(openapi::files());
    host.provide_second_step(std::make_shared<Provider>(*context_));
  }

 private:
  std::unique_ptr<Context> context_;
};

}  // namespace memberd::two_step

MEMBERD_PLUGIN(memberd::two_step::TwoStepPlugin)
