#pragma once
// Typed reading of a YAML tree, each problem recorded with its location
// instead of thrown, so that one load reports every mistake. Shared by the
// core config (core_reader.cpp) and plugin sections (plugin_config.cpp).

#include "config/config_error.hpp"
#include "config/origin.hpp"

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memberd {

// "a map", "a list", "nothing (null)", "\"abc\"" for a plain scalar,
// "the string \"42\"" for a quoted one: the "got ..." part of messages.
std::string describe_yaml(const YAML::Node& node);

// `text` in double quotes, for messages.
std::string in_quotes(std::string_view text);

// One value of the tree: its node, its key path and where it came from.
// Every reader reports a problem and returns nullopt when the value does not fit.
class ConfigValue {
 public:
  ConfigValue(YAML::Node node, std::string path, YAML::Mark key_mark, const Origin& origin,
              ErrorList& errors)
      : node_(std::move(node)), path_(std::move(path)), key_mark_(key_mark), origin_(&origin),
        errors_(&errors) {}

  const YAML::Node& node() const noexcept { return node_; }
  const std::string& path() const noexcept { return path_; }
  const Origin& origin() const noexcept { return *origin_; }
  ErrorList& errors() const noexcept { return *errors_; }

  // Where the value is; an empty value (`key:`) is located at its key,
  // because yaml-cpp marks it at whatever follows.
  std::string where() const;
  std::string where_key() const;
  void error(std::string_view message) const;
  void error_at_key(std::string_view message) const;

  // A value below this one ("http" -> "http.listen", "x" -> "x[3]").
  ConfigValue child(YAML::Node node, std::string path, YAML::Mark key_mark) const {
    return ConfigValue(std::move(node), std::move(path), key_mark, *origin_, *errors_);
  }

  // Any scalar's text (`port: 80` is the string "80"); null is "".
  std::optional<std::string> string() const;
  // A plain integer within [min, max]; quoted "42" is a string, refused.
  std::optional<std::int64_t> integer(std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                                      std::int64_t max = std::numeric_limits<std::int64_t>::max()) const;
  // A plain finite number (integers included).
  std::optional<double> number() const;
  // Plain true or false.
  std::optional<bool> boolean() const;
  // parse_duration() of the scalar's text, at least `min`.
  std::optional<std::chrono::milliseconds> duration(
      std::chrono::milliseconds min = std::chrono::milliseconds::zero()) const;
  // The same, refusing what is not a whole number of seconds ("1500ms").
  std::optional<std::chrono::seconds> duration_seconds(
      std::chrono::seconds min = std::chrono::seconds::zero()) const;
  // A list of scalars (null is the empty list); each bad element is reported
  // at its own index and the rest are kept.
  std::optional<std::vector<std::string>> string_list() const;
  // A non-empty list of whole-second durations, each at least 1 s.
  std::optional<std::vector<std::chrono::seconds>> duration_list() const;

 private:
  YAML::Node node_;
  std::string path_;
  YAML::Mark key_mark_;
  const Origin* origin_;
  ErrorList* errors_;
};

// Walks one YAML map: claim known keys with on(), then refuse the rest.
// Duplicate keys and keys that are not plain names are reported on
// construction (yaml-cpp accepts both silently and would read the first).
class MapReader {
 public:
  struct Entry {
    std::string key;
    ConfigValue value;
    bool claimed = false;
  };

  // A value that is neither a map nor empty (null) is reported; nothing is read.
  explicit MapReader(const ConfigValue& map);

  // Calls `read` with the key's value when the key is present.
  void on(std::string_view key, const std::function<void(const ConfigValue&)>& read);
  bool has(std::string_view key) const;

  // Entries no on() asked for, in file order.
  std::vector<const Entry*> unclaimed() const;
  // Reports each unclaimed key as `unknown key "name"` plus `hint`.
  void refuse_unclaimed(std::string_view hint = {}) const;

 private:
  std::vector<Entry> entries_;
};

}  // namespace memberd
