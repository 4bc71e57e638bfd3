#include "plugin_host/api_description.hpp"

#include "config/yaml_json.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <stdexcept>

namespace memberd {

std::string component_prefix(std::string_view plugin) {
  std::string out;
  bool upper = true;
  for (char c : plugin) {
    if (c == '_' || c == '.') {
      upper = true;
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c;
    upper = false;
  }
  return out;
}

bool is_operation_key(std::string_view key) {
  static const std::set<std::string_view> operations{"get", "put", "post", "delete", "options", "head", "patch", "trace"};
  return operations.count(key) > 0;
}

std::string operation_key(std::string_view method) {
  std::string out(method);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

std::string method_of(std::string_view operation_key) {
  std::string out(operation_key);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::toupper(c)); });
  return out;
}

void ApiDescription::add(std::string_view plugin, const EmbeddedFile& file) {
  const std::string where = std::string(plugin) + "'s " + std::string(file.path);
  nlohmann::json fragment = yaml_text_to_json(where, std::string(file.data));
  if (!fragment.is_object()) throw std::invalid_argument(where + " is not a map of paths and components");
  for (auto& [key, value] : fragment.items()) {
    if (key != "paths" && key != "components")
      throw std::invalid_argument(where + ": \"" + key + "\" is the core document's; a fragment holds paths and components");
    if (!value.is_object()) throw std::invalid_argument(where + ": " + key + " is not a map");
  }
  const nlohmann::json none = nlohmann::json::object();
  const auto section_of = [&](const char* key) -> const nlohmann::json& {
    const auto found = fragment.find(key);
    return found == fragment.end() ? none : *found;
  };
  for (auto& [pattern, item] : section_of("paths").items()) {
    if (paths.contains(pattern)) throw std::invalid_argument(where + ": the path " + pattern + " is described twice");
    paths[pattern] = item;
  }
  for (auto& [section, entries] : section_of("components").items()) {
    if (!entries.is_object()) throw std::invalid_argument(where + ": components." + section + " is not a map");
    for (auto& [component, body] : entries.items()) {
      if (components[section].contains(component))
        throw std::invalid_argument(where + ": components." + section + "." + component + " is given twice");
      components[section][component] = body;
    }
  }
}

std::set<std::string> component_names(const nlohmann::json& document) {
  std::set<std::string> names;
  const auto components = document.find("components");
  if (components == document.end() || !components->is_object()) return names;
  for (const auto& [section, entries] : components->items())
    if (entries.is_object())
      for (const auto& [name, body] : entries.items()) names.insert(section + "/" + name);
  return names;
}

namespace {

// The first "#/components/..." reference under `node` that `known` lacks.
std::optional<std::string> unknown_reference(const nlohmann::json& node, const std::set<std::string>& known) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "$ref" && value.is_string()) {
        const std::string ref = value.get<std::string>();
        static constexpr std::string_view prefix = "#/components/";
        if (ref.rfind(prefix, 0) == 0 && !known.count(ref.substr(prefix.size()))) return ref;
        continue;
      }
      if (auto found = unknown_reference(value, known)) return found;
    }
  } else if (node.is_array()) {
    for (const auto& value : node)
      if (auto found = unknown_reference(value, known)) return found;
  }
  return std::nullopt;
}

}  // namespace

void ApiDescription::check(std::string_view plugin, const std::vector<Route>& routes,
                           const std::set<std::string>& core_components) const {
  const std::string who(plugin);
  for (const auto& [pattern, item] : paths.items()) {
    if (!item.is_object()) throw std::invalid_argument(who + " describes " + pattern + " with something other than a map");
    for (const auto& [key, operation] : item.items()) {
      if (!is_operation_key(key)) continue;
      const std::string method = method_of(key);
      const bool served = std::any_of(routes.begin(), routes.end(), [&](const Route& route) {
        return route.method == method && route.pattern == pattern;
      });
      if (!served) throw std::invalid_argument(who + " describes " + method + " " + pattern + ", which it does not serve");
      if (!operation.is_object() || !operation.contains("responses"))
        throw std::invalid_argument(who + " describes " + method + " " + pattern + " without its responses");
    }
  }
  const std::string prefix = component_prefix(plugin);
  for (const auto& [section, entries] : components.items())
    for (const auto& [component, body] : entries.items())
      if (component.rfind(prefix, 0) != 0)
        throw std::invalid_argument(who + "'s component " + section + "." + component + " must begin with \"" + prefix +
                                    "\", so that no two plugins' components collide");
  std::set<std::string> known = core_components;
  for (const auto& name : component_names(nlohmann::json{{"components", components}})) known.insert(name);
  for (const auto* part : {&paths, &components})
    if (auto ref = unknown_reference(*part, known))
      throw std::invalid_argument(who + " refers to " + *ref + ", which neither it nor the core defines");
}

}  // namespace memberd
