// Registration only: what the plugin is, its schema and settings, its
// routes, its decision handler and its mail.
#include "context.hpp"
#include "embedded_files.hpp"

#include <memberd/migrations.hpp>
#include <memberd/plugin.hpp>

#include <memory>

namespace memberd::profile {

class ProfilePlugin final : public Plugin {
 public:
  PluginInfo info() const override {
    return {"profile", "1.0.0", "Member profiles from a configured schema, published after an admin approves them"};
  }
  std::vector<Migration> migrations() const override { return migrations_from_files(schema::files()); }
  std::vector<ConfigKey> config_schema() const override { return profile::config_schema(); }

  void start(Host& host, const Config& config) override {
    context_ = std::make_unique<Context>(Context{host, read_settings(config)});
    host.add_mail_templates(mail::files());
    add_routes(*context_);
    subscribe_to_decisions(*context_);
    host.provide_member_data(member_data_provider(*context_));
    // The seed's "Edit Member Profile" comes first, before the credentials
    // pages (10-50).
    host.add_ui_files(ui::files());
    host.add_api_description(openapi::files());
    host.add_ui({UiShell::account, "edit", "Edit Member Profile", 5, Access::member, "edit-profile.js",
                 {"edit-profile.css"}});
    // The review queue is the host's; how it shows a profile is ours: what
    // changes, in the form's order and with its labels.
    host.add_review_kind({"profile", "Profile", context_->settings.reject_reasons, "review-profile.js"});
  }
  void stop() override {}

 private:
  std::unique_ptr<Context> context_;
};

}  // namespace memberd::profile

MEMBERD_PLUGIN(memberd::profile::ProfilePlugin)
