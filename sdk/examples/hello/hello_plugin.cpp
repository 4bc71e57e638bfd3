// Registration only: what the plugin is, its schema, settings, routes,
// review kind and pages.
#include "embedded_files.hpp"
#include "greetings.hpp"
#include "member_data.hpp"
#include "mottos.hpp"

#include <memberd/config_checks.hpp>
#include <memberd/json.hpp>
#include <memberd/migrations.hpp>
#include <memberd/plugin.hpp>
#include <memberd/settings_binding.hpp>

#ifndef HELLO_VERSION
#define HELLO_VERSION "1.0.0"
#endif

namespace hello {

// Its settings (the `hello:` section of memberd.yaml), each declared once:
// the binding gives both config_schema() and the values start() reads.
struct Settings {
  std::string greeting;
  std::size_t max_length = 200;
  std::chrono::seconds motto_review_window{24 * 3600};
  std::vector<std::string> motto_reject_reasons;
};

const memberd::SettingsBinding<Settings>& settings_binding() {
  static const auto binding = memberd::SettingsBinding<Settings>{}
                                  .bind("greeting", &Settings::greeting, "\"Hello\"", "What GET /api/v1/hello says")
                                  .bind("max_length", &Settings::max_length, "200",
                                        "Longest greeting or motto a member may leave, in bytes", memberd::integer_between(1, 200))
                                  .bind("motto_review_window", &Settings::motto_review_window, "24h",
                                        "How long an admin has to decide a member's motto",
                                        memberd::duration_between(1, 30LL * 24 * 3600, "1s to 30d"))
                                  .bind("motto_reject_reasons", &Settings::motto_reject_reasons,
                                        "[\"The motto advertises something.\", \"The motto is offensive.\"]",
                                        "Reasons the console offers when rejecting a motto",
                                        memberd::sentence_list(50, 500));
  return binding;
}

class HelloPlugin final : public memberd::Plugin {
 public:
  memberd::PluginInfo info() const override { return {"hello", HELLO_VERSION, "An example plugin: greetings"}; }

  // schema/<backend>/<NNN>_<name>.sql, compiled in by memberd_add_plugin(... SCHEMA schema).
  std::vector<memberd::Migration> migrations() const override {
    return memberd::migrations_from_files(schema::files());
  }

  std::vector<memberd::ConfigKey> config_schema() const override { return settings_binding().schema(); }

  void start(memberd::Host& host, const memberd::Config& config) override {
    const Settings settings = settings_binding().read(config);
    std::string greeting = settings.greeting;
    std::size_t max_length = settings.max_length;
    host.add_route({"GET", "/api/v1/hello", memberd::Access::anyone, memberd::Body::none,
                    [greeting](const memberd::Request&) {
                      return memberd::json_response(200, {{"message", greeting}, {"version", HELLO_VERSION}});
                    }});
    host.add_route({"GET", "/api/v1/hello/greetings", memberd::Access::member, memberd::Body::none,
                    [](const memberd::Request& r) { return list_greetings(r); }});
    host.add_route({"POST", "/api/v1/hello/greetings", memberd::Access::member, memberd::Body::json,
                    [&host, max_length](const memberd::Request& r) { return add_greeting(host, r, max_length); }});
    // A motto waits for an admin in the host's review queue; the console
    // shows it through our own module.
    add_motto_routes(host, {max_length, settings.motto_review_window});
    subscribe_to_motto_decisions(host);
    // What it keeps of each member, for their archive and their account's closure.
    host.provide_member_data(member_data_provider(host));
    host.add_review_kind({kMottoKind, "Motto", settings.motto_reject_reasons, "review-motto.js", {"review-motto.css"}});
    // Its page in the member's Account Settings and its console panel.
    host.add_mail_templates(mail::files());
    host.add_ui_files(ui::files());
    host.add_api_description(openapi::files());
    host.add_ui({memberd::UiShell::account, "greetings", "Greetings", 90, memberd::Access::member, "greetings.js",
                 {"greetings.css"}});
    host.add_ui({memberd::UiShell::console, "greetings", "Greetings", 90, memberd::Access::admin, "panel.js"});
    host.logger().info("hello started", {{"version", HELLO_VERSION}});
  }
};

}  // namespace hello

MEMBERD_PLUGIN(hello::HelloPlugin)
