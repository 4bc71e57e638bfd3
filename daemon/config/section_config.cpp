#include "config/section_config.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace memberd {

std::string_view config_type_name(ConfigType type) {
  switch (type) {
    case ConfigType::string: return "string";
    case ConfigType::integer: return "integer";
    case ConfigType::number: return "number";
    case ConfigType::boolean: return "boolean";
    case ConfigType::duration: return "duration";
    case ConfigType::string_list: return "string_list";
    case ConfigType::any: return "any";
    case ConfigType::duration_list: return "duration_list";
  }
  return "unknown";
}

SectionConfig::SectionConfig(std::string plugin, std::map<std::string, ConfigType, std::less<>> types,
                             nlohmann::json values)
    : plugin_(std::move(plugin)),
      types_(std::move(types)),
      values_(std::make_shared<const nlohmann::json>(std::move(values))) {}

const nlohmann::json& SectionConfig::value(std::string_view key, ConfigType wanted) const {
  const auto type = types_.find(key);
  if (type == types_.end()) {
    throw std::logic_error("config key " + plugin_ + "." + std::string(key) +
                           " is not declared in the plugin's config_schema()");
  }
  if (type->second != wanted && wanted != ConfigType::any) {
    throw std::logic_error("config key " + plugin_ + "." + std::string(key) + " is declared as " +
                           std::string(config_type_name(type->second)) + ", read as " +
                           std::string(config_type_name(wanted)));
  }
  return values_->at(type->first);
}

std::string SectionConfig::string(std::string_view key) const {
  return value(key, ConfigType::string).get<std::string>();
}

std::int64_t SectionConfig::integer(std::string_view key) const {
  return value(key, ConfigType::integer).get<std::int64_t>();
}

double SectionConfig::number(std::string_view key) const {
  return value(key, ConfigType::number).get<double>();
}

bool SectionConfig::boolean(std::string_view key) const {
  return value(key, ConfigType::boolean).get<bool>();
}

std::vector<std::chrono::seconds> SectionConfig::duration_list(std::string_view key) const {
  std::vector<std::chrono::seconds> out;
  for (const auto& seconds : value(key, ConfigType::duration_list)) out.emplace_back(seconds.get<std::int64_t>());
  return out;
}

std::chrono::seconds SectionConfig::duration(std::string_view key) const {
  return std::chrono::seconds(value(key, ConfigType::duration).get<std::int64_t>());
}

std::vector<std::string> SectionConfig::string_list(std::string_view key) const {
  return value(key, ConfigType::string_list).get<std::vector<std::string>>();
}

const nlohmann::json& SectionConfig::json(std::string_view key) const {
  return value(key, ConfigType::any);
}

}  // namespace memberd
