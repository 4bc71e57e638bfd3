// Registration only: what the plugin is, its schema, settings and routes.
#include "greetings.hpp"

#include <memberd/json.hpp>
#include <memberd/plugin.hpp>

#ifndef HELLO_VERSION
#define HELLO_VERSION "1.0.0"
#endif

namespace hello {

namespace ui {
const std::vector<memberd::EmbeddedFile>& files();  // ui/, by memberd_embed_files()
}

class HelloPlugin final : public memberd::Plugin {
 public:
  memberd::PluginInfo info() const override { return {"hello", HELLO_VERSION, "An example plugin: greetings"}; }

  std::vector<memberd::Migration> migrations() const override {
    return {{1, "greetings",
             "CREATE TABLE hello_greetings (id INTEGER PRIMARY KEY AUTOINCREMENT, member_id VARCHAR(36) NOT NULL,"
             " text VARCHAR(200) NOT NULL, created_at BIGINT NOT NULL);",
             "CREATE TABLE hello_greetings (id BIGSERIAL PRIMARY KEY, member_id VARCHAR(36) NOT NULL,"
             " text VARCHAR(200) NOT NULL, created_at BIGINT NOT NULL);"}};
  }

  std::vector<memberd::ConfigKey> config_schema() const override {
    return {{"greeting", memberd::ConfigType::string, "\"Hello\"", "What GET /api/v1/hello says"},
            {"max_length", memberd::ConfigType::integer, "200", "Longest greeting a member may leave",
             [](const nlohmann::json& v) -> std::optional<std::string> {
               if (v.get<long long>() < 1 || v.get<long long>() > 200) return "must be between 1 and 200";
               return std::nullopt;
             }}};
  }

  void start(memberd::Host& host, const memberd::Config& config) override {
    std::string greeting = config.string("greeting");
    auto max_length = static_cast<std::size_t>(config.integer("max_length"));
    host.add_route({"GET", "/api/v1/hello", memberd::Access::anyone, memberd::Body::none,
                    [greeting](const memberd::Request&) {
                      return memberd::json_response(200, {{"message", greeting}, {"version", HELLO_VERSION}});
                    }});
    host.add_route({"GET", "/api/v1/hello/greetings", memberd::Access::member, memberd::Body::none,
                    [](const memberd::Request& r) { return list_greetings(r); }});
    host.add_route({"POST", "/api/v1/hello/greetings", memberd::Access::member, memberd::Body::json,
                    [&host, max_length](const memberd::Request& r) { return add_greeting(host, r, max_length); }});
    // Its page in the member's Account Settings and its console panel.
    host.add_ui_files(ui::files());
    host.add_ui({memberd::UiShell::account, "greetings", "Greetings", 90, memberd::Access::member, "greetings.js",
                 {"greetings.css"}});
    host.add_ui({memberd::UiShell::console, "greetings", "Greetings", 90, memberd::Access::admin, "panel.js"});
    host.logger().info("hello started", {{"version", HELLO_VERSION}});
  }
};

}  // namespace hello

MEMBERD_PLUGIN(hello::HelloPlugin)
