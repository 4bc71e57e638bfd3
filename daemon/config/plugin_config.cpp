#include "config/plugin_config.hpp"

#include "config/plugin_section.hpp"
#include "config/value_checks.hpp"
#include "config/yaml_json.hpp"
#include "config/yaml_reader.hpp"

#include <nlohmann/json.hpp>

#include <set>

namespace memberd {

namespace {

// The value as the JSON the plugin will read, or nullopt after reporting why not.
std::optional<nlohmann::json> read_typed(const ConfigValue& v, ConfigType type) {
  switch (type) {
    case ConfigType::string:
      if (auto value = v.string()) return nlohmann::json(*value);
      return std::nullopt;
    case ConfigType::integer:
      if (auto value = v.integer()) return nlohmann::json(*value);
      return std::nullopt;
    case ConfigType::number:
      if (auto value = v.number()) return nlohmann::json(*value);
      return std::nullopt;
    case ConfigType::boolean:
      if (auto value = v.boolean()) return nlohmann::json(*value);
      return std::nullopt;
    case ConfigType::duration:
      // Config::duration() returns seconds, so "250ms" cannot be honoured.
      if (auto value = v.duration_seconds()) return nlohmann::json(value->count());
      return std::nullopt;
    case ConfigType::string_list:
      if (auto value = v.string_list()) return nlohmann::json(*value);
      return std::nullopt;
    case ConfigType::duration_list:
      if (auto value = v.duration_list()) {
        nlohmann::json seconds = nlohmann::json::array();
        for (auto d : *value) seconds.push_back(d.count());
        return seconds;
      }
      return std::nullopt;
    case ConfigType::any: {
      const std::size_t before = v.errors().problems().size();
      nlohmann::json value = yaml_to_json(v);
      if (v.errors().problems().size() != before) return std::nullopt;
      return value;
    }
  }
  return std::nullopt;
}

// The key's own check; nullopt when it accepts. A check that throws refuses.
std::optional<std::string> run_check(const ConfigKey& key, const nlohmann::json& value) {
  if (!key.check) return std::nullopt;
  try {
    return key.check(value);
  } catch (const std::exception& e) {
    return std::string("the plugin's check failed: ") + e.what();
  }
}

// The default, typed, or nullopt after reporting the plugin's mistake.
std::optional<nlohmann::json> read_default(std::string_view plugin, const ConfigKey& key,
                                           ErrorList& errors) {
  const std::string path = std::string(plugin) + "." + key.name;
  const std::string bug = "bug in plugin " + in_quotes(plugin) + ": the default " +
                          in_quotes(key.default_yaml) + " of " + path;
  YAML::Node node;
  try {
    node = YAML::Load(key.default_yaml);
  } catch (const YAML::ParserException& e) {
    errors.add_line(bug + " is not valid YAML (" + e.msg + ")");
    return std::nullopt;
  }
  ErrorList default_errors;
  const Origin nowhere;
  const ConfigValue value(node, path, YAML::Mark::null_mark(), nowhere, default_errors);
  auto typed = read_typed(value, key.type);
  for (const std::string& problem : default_errors.problems()) {
    errors.add_line(bug + " is not a valid " + std::string(config_type_name(key.type)) + " (" + problem +
                    ")");
  }
  return typed;
}

}  // namespace

SectionConfig load_plugin_config(std::string_view plugin, const std::vector<ConfigKey>& schema,
                                  const PluginSection* section) {
  ErrorList errors;
  const Origin nowhere;
  const ConfigValue root(section != nullptr ? section->node : YAML::Node(), std::string(plugin),
                         YAML::Mark::null_mark(), section != nullptr ? section->origin : nowhere, errors);

  std::map<std::string, ConfigType, std::less<>> types;
  for (const ConfigKey& key : schema) {
    if (!is_plugin_name(key.name)) {
      errors.add_line("bug in plugin " + in_quotes(plugin) + ": config key " + in_quotes(key.name) +
                      " is not a name ([a-z][a-z0-9_]*)");
    } else if (!types.emplace(key.name, key.type).second) {
      errors.add_line("bug in plugin " + in_quotes(plugin) + ": config key " + in_quotes(key.name) +
                      " is declared twice");
    }
  }

  nlohmann::json values = nlohmann::json::object();
  MapReader map(root);
  std::set<std::string_view> done;
  for (const ConfigKey& key : schema) {
    // Invalid or repeated declarations were reported above.
    if (!is_plugin_name(key.name) || !done.insert(key.name).second) continue;
    if (map.has(key.name)) {
      map.on(key.name, [&](const ConfigValue& v) {
        auto value = read_typed(v, key.type);
        if (!value) return;
        if (auto refusal = run_check(key, *value)) return v.error(*refusal);
        values[key.name] = std::move(*value);
      });
      continue;
    }
    auto value = read_default(plugin, key, errors);
    if (!value) continue;
    if (auto refusal = run_check(key, *value)) {
      // Not set, and the default is not good enough: most likely a required key.
      errors.add(section != nullptr ? root.where() : "", root.path() + "." + key.name,
                 *refusal + " (not set; the default is " +
                     (key.default_yaml.empty() ? std::string("empty") : key.default_yaml) + ")");
      continue;
    }
    values[key.name] = std::move(*value);
  }
  map.refuse_unclaimed();

  errors.throw_if_any();
  return SectionConfig(std::string(plugin), std::move(types), std::move(values));
}

}  // namespace memberd
