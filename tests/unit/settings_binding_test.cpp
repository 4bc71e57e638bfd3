// The SDK's SettingsBinding (settings_binding.hpp) through the daemon's own
// section loader: the schema it declares is the one the host checks, and
// what it reads is what the operator wrote.
#include "config/config_error.hpp"
#include "config/plugin_config.hpp"
#include "config/plugin_section.hpp"

#include <memberd/config_checks.hpp>
#include <memberd/settings_binding.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>

using namespace memberd;
using namespace std::chrono_literals;

namespace {

struct Limits {
  int per_hour = 0;
};

struct Settings {
  bool enabled = false;
  std::string greeting;
  std::uint16_t port = 0;
  std::size_t workers = 0;
  double ratio = 0;
  std::chrono::seconds window{0};
  std::vector<std::string> reasons;
  std::vector<std::chrono::seconds> delays;
  nlohmann::json extra;
  Limits limits;
};

const SettingsBinding<Settings>& binding() {
  static const auto b =
      SettingsBinding<Settings>{}
          .bind("enabled", &Settings::enabled, "true", "on or off")
          .bind("greeting", &Settings::greeting, "\"hello\"", "what it says")
          .bind("port", &Settings::port, "8080", "a port")
          .bind("workers", &Settings::workers, "2", "how many", integer_between(1, 64))
          .bind("ratio", &Settings::ratio, "0.5", "a fraction")
          .bind("window", &Settings::window, "24h", "how long")
          .bind("reasons", &Settings::reasons, "[a, b]", "why")
          .bind("delays", &Settings::delays, "[1m, 5m]", "when")
          .bind("extra", &Settings::extra, "{}", "anything")
          .bind(ConfigKey{"per_hour", ConfigType::integer, "20", "a nested member", integer_between(1, 1000)},
                [](Settings& s, const Config& c, std::string_view key) {
                  s.limits.per_hour = static_cast<int>(c.integer(key));
                });
  return b;
}

PluginSection section_of(const std::string& yaml) { return PluginSection{YAML::Load(yaml), Origin("cfg")}; }

std::string error_of(const std::string& yaml) {
  const PluginSection section = section_of(yaml);
  try {
    load_plugin_config("bound", binding().schema(), &section);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a settings binding declares each key once, typed by its member", "[config][plugin][sdk]") {
  auto schema = binding().schema();
  REQUIRE(schema.size() == 10);
  CHECK(schema[0].type == ConfigType::boolean);
  CHECK(schema[1].type == ConfigType::string);
  CHECK(schema[2].type == ConfigType::integer);
  CHECK(schema[4].type == ConfigType::number);
  CHECK(schema[5].type == ConfigType::duration);
  CHECK(schema[6].type == ConfigType::string_list);
  CHECK(schema[7].type == ConfigType::duration_list);
  CHECK(schema[8].type == ConfigType::any);
  CHECK(schema[5].description == "how long");
}

TEST_CASE("a settings binding reads the defaults and what the operator wrote", "[config][plugin][sdk]") {
  const Settings defaults = binding().read(load_plugin_config("bound", binding().schema(), nullptr));
  CHECK(defaults.enabled);
  CHECK(defaults.greeting == "hello");
  CHECK(defaults.port == 8080);
  CHECK(defaults.workers == 2);
  CHECK(defaults.ratio == 0.5);
  CHECK(defaults.window == 24h);
  CHECK(defaults.reasons == std::vector<std::string>{"a", "b"});
  CHECK(defaults.delays == std::vector<std::chrono::seconds>{1min, 5min});
  CHECK(defaults.extra == nlohmann::json::object());
  CHECK(defaults.limits.per_hour == 20);

  const PluginSection section = section_of(
      "enabled: false\ngreeting: hi\nport: 65535\nworkers: 64\nratio: 2\nwindow: 90s\nreasons: [c]\n"
      "delays: [1s]\nextra: {a: 1}\nper_hour: 7\n");
  const Settings s = binding().read(load_plugin_config("bound", binding().schema(), &section));
  CHECK_FALSE(s.enabled);
  CHECK(s.greeting == "hi");
  CHECK(s.port == 65535);
  CHECK(s.workers == 64);
  CHECK(s.ratio == 2.0);
  CHECK(s.window == 90s);
  CHECK(s.reasons == std::vector<std::string>{"c"});
  CHECK(s.delays == std::vector<std::chrono::seconds>{1s});
  CHECK(s.extra == nlohmann::json{{"a", 1}});
  CHECK(s.limits.per_hour == 7);
}

TEST_CASE("a settings binding refuses what its member cannot hold, and runs the key's own check",
          "[config][plugin][sdk]") {
  // 65536 would wrap to 0 in a uint16_t member; -1 to 65535.
  CHECK(error_of("port: 65536\n") == "cfg:1:7: bound.port: give a whole number from 0 to 65535");
  CHECK(error_of("port: -1\n") == "cfg:1:7: bound.port: give a whole number from 0 to 65535");
  CHECK(error_of("workers: 65\n") == "cfg:1:10: bound.workers: give a whole number from 1 to 64");
  CHECK(error_of("per_hour: 0\n") == "cfg:1:11: bound.per_hour: give a whole number from 1 to 1000");
  // The key's own words come first; the member's range is the net below them.
  CHECK(error_of("workers: -3\n") == "cfg:1:10: bound.workers: give a whole number from 1 to 64");
  CHECK(error_of("port: 443\nworkers: 3\n").empty());
}
