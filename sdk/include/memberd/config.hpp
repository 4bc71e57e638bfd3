#pragma once
// A plugin's settings: what it declares, and how it reads them.
//
// Every plugin owns one section of the daemon's YAML file, named after the
// plugin (`credentials:`, `profile:` ...). The plugin declares each key it
// understands in `Plugin::config_schema()`: its name, type, default and a
// one-line description. The host validates the section against that schema
// before the plugin starts: an unknown key, a value of the wrong type, or a
// value your `check` refuses is reported to the operator with the key and its
// `line:column`, and the plugin does not start (on a reload, the old version
// keeps serving). So when `start()` runs, every declared key is present and
// has the declared type: read them without defending against their absence.
// Reading happens in start(), on the loader thread; it touches no database.

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memberd {

enum class ConfigType {
  string,
  integer,   // 64-bit signed
  number,    // double
  boolean,
  duration,  // "90s", "15m", "24h", "7d" or a number of seconds
  string_list,
  any,       // any YAML value (maps, lists of maps): read it with `json()`
  duration_list,  // a non-empty list of durations: "[1m, 5m, 15m, 60m]" (since SDK 2.0)
};

struct ConfigKey {
  std::string name;         // "security_questions" (no dots: one level)
  ConfigType type;
  std::string default_yaml; // the default, written as YAML: "12", "[a, b]", "\"text\""
  std::string description;  // one line, shown by `memberd --describe-config`
  // Optional extra check; return an error message to refuse the value.
  std::function<std::optional<std::string>(const nlohmann::json&)> check = {};
};

// The validated section, defaults filled in. Reading a key that the schema did
// not declare, or with the wrong type, throws std::logic_error: that is a bug
// in the plugin, caught at start() and reported as the plugin's load error.
class Config {
 public:
  virtual ~Config() = default;
  virtual std::string string(std::string_view key) const = 0;
  virtual std::int64_t integer(std::string_view key) const = 0;
  virtual double number(std::string_view key) const = 0;
  virtual bool boolean(std::string_view key) const = 0;
  virtual std::chrono::seconds duration(std::string_view key) const = 0;
  virtual std::vector<std::string> string_list(std::string_view key) const = 0;
  // Any key as JSON (YAML maps become objects, scalars keep their types).
  virtual const nlohmann::json& json(std::string_view key) const = 0;
  // A `duration_list` key, in order. (Since SDK 2.0.)
  virtual std::vector<std::chrono::seconds> duration_list(std::string_view key) const = 0;
};

}  // namespace memberd
