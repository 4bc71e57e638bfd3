#pragma once
// A plugin's validated settings, read through the SDK's memberd::Config.
// Built only by load_plugin_config() (plugin_config.hpp), so every declared
// key is present with its declared type.

#include <memberd/config.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace memberd {

class SectionConfig final : public Config {
 public:
  // `values`: a JSON object with one member per key of `types`, of that type
  // (a duration as its whole number of seconds).
  SectionConfig(std::string plugin, std::map<std::string, ConfigType, std::less<>> types,
                nlohmann::json values);

  // Throw std::logic_error for a key the schema did not declare, or one
  // declared with another type: a bug in the plugin, not in the file.
  std::string string(std::string_view key) const override;
  std::int64_t integer(std::string_view key) const override;
  double number(std::string_view key) const override;
  bool boolean(std::string_view key) const override;
  std::chrono::seconds duration(std::string_view key) const override;
  std::vector<std::chrono::seconds> duration_list(std::string_view key) const override;
  std::vector<std::string> string_list(std::string_view key) const override;
  // Any declared key, whatever its type.
  const nlohmann::json& json(std::string_view key) const override;

  // The whole section (for the admin API and --check-config output).
  const nlohmann::json& values() const { return *values_; }
  const std::string& plugin() const { return plugin_; }

 private:
  const nlohmann::json& value(std::string_view key, ConfigType wanted) const;

  std::string plugin_;
  std::map<std::string, ConfigType, std::less<>> types_;
  // Behind a pointer so this header needs only json_fwd.hpp (json.hpp costs
  // seconds per translation unit); shared and const, so copies are cheap.
  std::shared_ptr<const nlohmann::json> values_;
};

// "string", "integer", "number", "boolean", "duration", "string_list", "any", "duration_list".
std::string_view config_type_name(ConfigType type);

}  // namespace memberd
