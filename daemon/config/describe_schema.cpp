#include "config/describe_schema.hpp"

#include "config/core_reader.hpp"
#include "config/section_config.hpp"

#include <yaml-cpp/yaml.h>

namespace memberd {

namespace {

// As the plugin wrote it, unless it is block-style YAML ("- a\n- b"), which
// would break the one-line format: that is re-emitted in flow style.
std::string one_line(std::string default_yaml) {
  while (!default_yaml.empty() && (default_yaml.back() == '\n' || default_yaml.back() == ' ')) {
    default_yaml.pop_back();
  }
  if (default_yaml.empty()) return "none";
  if (default_yaml.find('\n') == std::string::npos) return default_yaml;
  try {
    YAML::Emitter out;
    out.SetMapFormat(YAML::Flow);
    out.SetSeqFormat(YAML::Flow);
    out << YAML::Load(default_yaml);
    if (out.good() && std::string(out.c_str()).find('\n') == std::string::npos) return out.c_str();
  } catch (const YAML::Exception&) {
    // An invalid default is reported when the section is loaded; show it as written.
  }
  std::string text = default_yaml;
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

}  // namespace

std::string describe_schema(std::string_view plugin, const std::vector<ConfigKey>& schema) {
  std::string text;
  for (const ConfigKey& key : schema) {
    text += std::string(plugin) + "." + key.name + " (" + std::string(config_type_name(key.type)) +
            ", default " + one_line(key.default_yaml) + "): " + key.description + "\n";
  }
  return text;
}

std::string describe_core_keys() {
  std::string text;
  for (const CoreKeyDoc& key : core_key_docs()) {
    text += key.path + " (" + std::string(config_type_name(key.type)) + ", default " + key.default_yaml +
            "): " + key.description + "\n";
  }
  return text;
}

}  // namespace memberd
