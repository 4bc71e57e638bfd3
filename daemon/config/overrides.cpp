#include "config/overrides.hpp"

#include "config/config_error.hpp"
#include "config/origin.hpp"
#include "config/yaml_document.hpp"
#include "config/yaml_reader.hpp"

#include <yaml-cpp/yaml.h>

namespace memberd {

namespace {

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// "http.listen" -> {"http", "listen"}; empty when a segment is empty or odd.
std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> segments(1);
  for (char c : key) {
    if (c == '.') {
      if (segments.back().empty()) return {};
      segments.emplace_back();
    } else if (is_key_char(c)) {
      segments.back() += c;
    } else {
      return {};
    }
  }
  if (segments.back().empty()) return {};
  return segments;
}

void apply_one(YAML::Node& root, const std::string& text, Origin& origin, ErrorList& errors) {
  const auto equals = text.find('=');
  if (equals == std::string::npos) {
    errors.add("--set " + text, "", "expected key.path=value");
    return;
  }
  const std::string key = text.substr(0, equals);
  const std::string where = "--set " + key;
  const std::vector<std::string> segments = split_key(key);
  if (segments.empty()) {
    errors.add(where, "", "the key must be names joined by dots, like http.listen");
    return;
  }

  YAML::Node value;
  try {
    // One bounded document: yaml-cpp reads "[::1]:8080" as two documents
    // (Load would silently keep the first) and "," as endless empty ones.
    value = load_one_yaml_document(text.substr(equals + 1));
  } catch (const YamlDocumentError& e) {
    std::string why = e.kind == YamlDocumentError::Kind::several_documents ? "" : " (" + e.message + ")";
    errors.add(where, "", "the value is not one YAML value" + why + "; quote it: --set '" + key + "=\"...\"'");
    return;
  } catch (const YAML::ParserException& e) {
    errors.add(where, "",
               "the value is not valid YAML (" + e.msg + " at column " + std::to_string(e.mark.column + 1) +
                   "); quote it: --set '" + key + "=\"...\"'");
    return;
  }

  // Node assignment in yaml-cpp writes through to the node referred to, so
  // walking down must rebind with reset(), never with operator=.
  YAML::Node current;
  current.reset(root);
  std::string path;
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    path += (path.empty() ? "" : ".") + segments[i];
    YAML::Node next = current[segments[i]];
    if (!next.IsDefined() || next.IsNull()) {
      next = YAML::Node(YAML::NodeType::Map);
    } else if (!next.IsMap()) {
      errors.add(where, "", path + " is " + describe_yaml(next) + ", not a map: cannot set " + key);
      return;
    }
    current.reset(next);
  }
  // Remove first: assigning over the old node would also change every alias of it.
  current.remove(segments.back());
  current[segments.back()] = value;
  origin.add_override(key);
}

}  // namespace

void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides, Origin& origin,
                     ErrorList& errors) {
  if (!root.IsMap()) root.reset(YAML::Node(YAML::NodeType::Map));
  for (const std::string& text : overrides) apply_one(root, text, origin, errors);
}

}  // namespace memberd
