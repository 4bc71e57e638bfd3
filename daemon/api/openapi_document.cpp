#include "api/openapi_document.hpp"

#include "api/access_name.hpp"

#include "config/yaml_json.hpp"

#include <memberd/embedded_file.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <stdexcept>

namespace memberd {

namespace core_openapi {
const std::vector<EmbeddedFile>& files();  // daemon/CMakeLists.txt: api/openapi.yaml, compiled in
}

std::shared_ptr<const nlohmann::json> core_contract() {
  static const auto document = [] {
    const auto* file = find_embedded_file(core_openapi::files(), "openapi.yaml");
    if (!file) throw std::logic_error("the core's openapi.yaml is not compiled in");
    return std::make_shared<const nlohmann::json>(yaml_text_to_json("daemon/api/openapi.yaml", std::string(file->data)));
  }();
  return document;
}


namespace {

bool is_plugin_web_file(const ServedRoute& route) {
  if (route.owner == "core" || route.method != "GET") return false;
  for (const char* shell : {"/account/plugins/", "/console/plugins/"})
    if (route.pattern.rfind(shell + route.owner + "/", 0) == 0) return true;
  return false;
}

nlohmann::json security_of(Access access) {
  if (access == Access::anyone) return nlohmann::json::array();
  return nlohmann::json::array({{{"bearer", nlohmann::json::array()}}, {{"cookie", nlohmann::json::array()}}});
}

}  // namespace

MergedContract merge_contract(const nlohmann::json& core,
                              const std::vector<std::pair<std::string, ApiDescription>>& plugins,
                              const std::vector<ServedRoute>& routes) {
  MergedContract out;
  nlohmann::json& doc = out.document = core;
  nlohmann::json& paths = doc["paths"];
  if (!paths.is_object()) paths = nlohmann::json::object();
  nlohmann::json tags = nlohmann::json::array({{{"name", "core"}, {"description", "The daemon itself"}}});
  for (const auto& [plugin, api] : plugins) {
    tags.push_back({{"name", plugin}, {"description", "The " + plugin + " plugin"}});
    for (const auto& [pattern, item] : api.paths.items()) {
      if (!paths.contains(pattern)) {
        paths[pattern] = item;
        continue;
      }
      // A path may be the core's for one method and a plugin's for another
      // (GET /api/v1/session is the core's, POST the credentials plugin's;
      // the router refuses two owners of one method): the plugin adds its
      // operations, and the path's own keys (parameters ...) stay the core's.
      for (const auto& [key, value] : item.items())
        if (is_operation_key(key)) paths[pattern][key] = value;
    }
    // The core's components, then the first plugin's, win: a plugin named
    // "problem" may not redefine Problem under its own prefix, nor one
    // plugin's prefix ("Photo") reach into another's ("PhotoAlbum...").
    for (const auto& [section, entries] : api.components.items())
      for (const auto& [name, body] : entries.items()) {
        nlohmann::json& slot = doc["components"][section];
        if (slot.contains(name)) out.clashes.push_back(plugin + ": components." + section + "." + name);
        else slot[name] = body;
      }
  }
  doc["tags"] = std::move(tags);

  // Which operations some route serves, so the rest can go.
  std::map<std::string, std::set<std::string>> served;
  out.documented.reserve(routes.size());
  for (const auto& route : routes) {
    const std::string method = operation_key(route.method);
    served[route.pattern].insert(method);
    if (is_plugin_web_file(route)) {
      paths[route.pattern] = {{"$ref", "#/components/pathItems/PluginWebFile"}};
      out.documented.push_back(true);
      continue;
    }
    auto item = paths.find(route.pattern);
    if (item == paths.end() || !item->is_object() || !item->contains(method) || !(*item)[method].is_object()) {
      out.documented.push_back(false);
      continue;
    }
    nlohmann::json& operation = (*item)[method];
    operation["x-memberd-access"] = access_name(route.access);
    operation["security"] = security_of(route.access);
    operation["tags"] = nlohmann::json::array({route.owner});
    out.documented.push_back(true);
  }
  for (auto item = paths.begin(); item != paths.end();) {
    const auto& methods = served[item.key()];
    if (item->is_object() && !item->contains("$ref"))
      for (auto op = item->begin(); op != item->end();) {
        if (!is_operation_key(op.key()) || methods.count(op.key())) {
          ++op;
          continue;
        }
        out.unserved.push_back(method_of(op.key()) + " " + item.key());
        op = item->erase(op);
      }
    bool any_operation = item->contains("$ref");
    for (const auto& op : item->items()) any_operation = any_operation || is_operation_key(op.key());
    item = any_operation ? std::next(item) : paths.erase(item);
  }
  return out;
}

}  // namespace memberd
