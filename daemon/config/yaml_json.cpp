#include "config/yaml_json.hpp"

#include "config/config_error.hpp"
#include "config/origin.hpp"
#include "config/yaml_document.hpp"
#include "config/yaml_reader.hpp"
#include "config/yaml_scalar.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace memberd {

namespace {

nlohmann::json scalar_to_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (is_quoted_scalar(node)) return text;
  if (auto boolean = parse_yaml_bool(text)) return *boolean;
  if (is_yaml_integer(text)) {
    if (auto integer = parse_yaml_integer(text)) return *integer;
  }
  if (auto number = parse_yaml_float(text)) return *number;
  return text;
}

}  // namespace

nlohmann::json yaml_to_json(const ConfigValue& value) {
  const YAML::Node& node = value.node();
  switch (node.Type()) {
    case YAML::NodeType::Scalar: return scalar_to_json(node);
    case YAML::NodeType::Sequence: {
      nlohmann::json array = nlohmann::json::array();
      std::size_t index = 0;
      for (const YAML::Node& item : node) {
        array.push_back(yaml_to_json(
            value.child(item, value.path() + "[" + std::to_string(index++) + "]", YAML::Mark::null_mark())));
      }
      return array;
    }
    case YAML::NodeType::Map: {
      nlohmann::json object = nlohmann::json::object();
      for (auto it = node.begin(); it != node.end(); ++it) {
        // Copies, not references: yaml-cpp's iterator hands out a temporary pair.
        const YAML::Node key = it->first;
        const YAML::Node item = it->second;
        if (!key.IsScalar()) {
          value.child(item, value.path() + ".?", key.Mark())
              .error_at_key("keys must be scalars, got " + describe_yaml(key));
          continue;
        }
        const ConfigValue member = value.child(item, value.path() + "." + key.Scalar(), key.Mark());
        if (object.contains(key.Scalar())) {
          member.error_at_key("duplicate key " + in_quotes(key.Scalar()));
          continue;
        }
        object[key.Scalar()] = yaml_to_json(member);
      }
      return object;
    }
    default: return nullptr;
  }
}

nlohmann::json yaml_text_to_json(std::string_view name, const std::string& text) {
  const std::string where(name);
  YAML::Node root;
  try {
    root = load_one_yaml_document(text);
  } catch (const YamlDocumentError& e) {
    throw std::invalid_argument(where + ":" + std::to_string(e.mark.line + 1) + ": " + e.message);
  } catch (const YAML::Exception& e) {
    throw std::invalid_argument(where + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  Origin origin{where};
  ErrorList errors;
  nlohmann::json out = yaml_to_json(ConfigValue(root, "", root.Mark(), origin, errors));
  if (!errors.empty()) throw std::invalid_argument(errors.problems().front());
  return out;
}

}  // namespace memberd
