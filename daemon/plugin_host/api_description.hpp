#pragma once
// A plugin version's part of the HTTP contract (Host::add_api_description,
// SDK 2.10): OpenAPI 3.1 `paths` and `components` read from the YAML files
// it embeds, checked against the routes it registered before it may load.
// The core's own document is read with the same function.
#include <memberd/embedded_file.hpp>
#include <memberd/http.hpp>

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace memberd {

// "photo" -> "Photo", "security_level" -> "SecurityLevel": how a plugin's
// component names begin, so that two plugins' components never collide.
std::string component_prefix(std::string_view plugin);

struct ApiDescription {
  nlohmann::json paths = nlohmann::json::object();       // pattern -> path item
  nlohmann::json components = nlohmann::json::object();  // section -> name -> object
  bool empty() const { return paths.empty() && components.empty(); }

  // Adds one fragment (its `paths` and `components`). Throws
  // std::invalid_argument naming the file: not YAML or not a map, a key
  // other than paths and components, a path or component given twice.
  void add(std::string_view plugin, const EmbeddedFile& file);
  // Throws std::invalid_argument naming the first thing that breaks a rule
  // of Host::add_api_description(): a documented path or method `plugin`
  // does not serve among `routes`, a component whose name does not begin
  // with component_prefix(plugin), a `$ref` to a component that neither the
  // fragment nor the core (`core_components`, "schemas/Problem") defines —
  // another plugin's would leave the document broken when that one goes.
  void check(std::string_view plugin, const std::vector<Route>& routes,
             const std::set<std::string>& core_components = {}) const;
};

// "schemas/Problem" for each component of an OpenAPI document's `components`.
std::set<std::string> component_names(const nlohmann::json& document);

// The lower-case OpenAPI operation keys ("get", "put", ...) of a path item.
bool is_operation_key(std::string_view key);
// "GET" -> "get" and back: routes name methods in upper case, OpenAPI in lower.
std::string operation_key(std::string_view method);
std::string method_of(std::string_view operation_key);

}  // namespace memberd
