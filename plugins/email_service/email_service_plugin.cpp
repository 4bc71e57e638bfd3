// Registration only: what the plugin is, its schema and settings, its routes
// and its member page.
#include "embedded_files.hpp"
#include "routes.hpp"
#include "send_pages.hpp"

#include <memberd/migrations.hpp>
#include <memberd/plugin.hpp>

namespace memberd::email_service {

class EmailServicePlugin final : public Plugin {
 public:
  PluginInfo info() const override {
    return {"email_service", "0.2.0", "Mail subscriptions per category, category sends, one-click unsubscribe"};
  }
  std::vector<Migration> migrations() const override { return migrations_from_files(schema::files()); }
  std::vector<ConfigKey> config_schema() const override { return email_service::config_schema(); }

  void start(Host& host, const Config& config) override {
    context_ = std::make_unique<Context>(Context{host, read_settings(config, host.public_url())});
    add_routes(*context_);
    host.provide_member_data(member_data_provider(*context_));
    add_send_routes(*context_);
    add_unsubscribe_routes(*context_);
    subscribe_send_pages(*context_);
    // The seed's "Email Service", last in the menu.
    host.add_ui_files(ui::files());
    host.add_api_description(openapi::files());
    host.add_ui({UiShell::account, "email-service", "Email Service", 70, Access::member, "email-service.js",
                 {"email-service.css"}});
    // The landing page of the unsubscribe link in each category message.
    host.add_ui({UiShell::account, "unsubscribe", "Unsubscribe", 71, Access::anyone, "unsubscribe.js",
                 {"email-service.css"}, false});
    host.add_ui({UiShell::console, "outbox", "Outbox", 40, Access::admin, "outbox.js", {"outbox.css"}});
  }

 private:
  std::unique_ptr<Context> context_;
};

}  // namespace memberd::email_service

MEMBERD_PLUGIN(memberd::email_service::EmailServicePlugin)
