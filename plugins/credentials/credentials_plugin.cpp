// Registration only: what the plugin is, its schema and settings, its routes.
#include "embedded_files.hpp"
#include "member_data.hpp"
#include "routes.hpp"
#include "settings.hpp"

#include <memberd/migrations.hpp>
#include <memberd/plugin.hpp>

namespace memberd::credentials {

class CredentialsPlugin final : public Plugin {
 public:
  PluginInfo info() const override {
    return {"credentials", "1.0.0", "Join, sign in, security question, step-up, change email and password, resets"};
  }
  std::vector<Migration> migrations() const override { return migrations_from_files(schema::files()); }
  std::vector<ConfigKey> config_schema() const override { return credentials::config_schema(); }

  void start(Host& host, const Config& config) override {
    context_ = std::make_unique<Context>(host, read_settings(config, host));
    add_account_routes(*context_);
    add_question_routes(*context_);
    add_change_routes(*context_);
    add_email_change_routes(*context_);
    add_reset_routes(*context_);
    add_confirmation_routes(*context_);
    add_admin_routes(*context_);
    host.provide_member_data(member_data_provider(*context_));
    // The pages before signing in; the member shell sends visitors to "sign-in".
    host.add_mail_templates(mail::files());
    host.add_ui_files(ui::files());
    host.add_api_description(openapi::files());
    host.add_ui({UiShell::account, "sign-in", "Sign in", 1, Access::anyone, "sign-in.js", {}, false});
    host.add_ui({UiShell::account, "join", "Join", 2, Access::anyone, "join.js", {}, false});
    host.add_ui({UiShell::account, "forgot-password", "Forgotten password", 3, Access::anyone, "forgot-password.js", {},
                 false});
    // The member's pages, in the seed's order (photo 10 and profile 20 come
    // from their plugins; security level 60, email service 70).
    host.add_ui({UiShell::account, "change-email", "Change Email Address", 30, Access::member, "change-email.js"});
    host.add_ui({UiShell::account, "change-password", "Change Password", 40, Access::member, "change-password.js"});
    host.add_ui({UiShell::account, "security-question", "Set a Security Question", 50, Access::member,
                 "security-question.js"});
    // Download my data, close my account (the core's routes, behind the step-up).
    host.add_ui({UiShell::account, "your-data", "Your Data and Account", 80, Access::member, "your-data.js"});
    // The landing pages of the links this plugin mails.
    host.add_ui({UiShell::account, "reset-password", "Choose a new password", 4, Access::anyone, "reset-password.js",
                 {}, false});
    host.add_ui({UiShell::account, "verify-email", "Confirm your new email address", 5, Access::anyone,
                 "verify-email.js", {}, false});
    host.add_ui({UiShell::account, "confirm-email", "Confirm your email address", 6, Access::anyone,
                 "confirm-email.js", {}, false});
    // The console's view of one member's sign-in and recovery, reached from
    // the member's page (not the menu).
    host.add_ui({UiShell::console, "member", "Sign-in and recovery", 50, Access::admin, "member-admin.js", {}, false});
    host.logger().info("credentials started", {{"questions", std::to_string(context_->settings.questions.size())}});
  }

  // The work requests left for after their answers (reset mail) is done
  // before the library goes.
  void stop() override {
    if (context_) context_->after_response.stop();
  }

 private:
  std::unique_ptr<Context> context_;
};

}  // namespace memberd::credentials

MEMBERD_PLUGIN(memberd::credentials::CredentialsPlugin)
