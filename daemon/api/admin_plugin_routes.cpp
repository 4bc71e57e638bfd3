#include "api/core_services.hpp"
#include "plugin_host/plugin_host.hpp"

#include <memberd/json.hpp>

namespace memberd {

namespace {

nlohmann::json to_json(const PluginStatus& s) {
  auto orNull = [](const std::string& v) { return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v); };
  return {{"name", s.name},       {"version", orNull(s.version)},     {"api_version", s.api_version},
          {"file", s.file},       {"sha256", orNull(s.sha256)},       {"loaded_at", orNull(s.loaded_at)},
          {"state", state_name(s.state)},     {"last_error", orNull(s.last_error)}, {"generation", s.generation}};
}

}  // namespace

std::vector<Route> admin_plugin_routes(CoreServices& core) {
  std::vector<Route> routes;
  routes.push_back({"GET", "/api/v1/admin/plugins", Access::admin, Body::none, [&core](const Request&) {
                      nlohmann::json list = nlohmann::json::array();
                      for (const auto& s : core.plugins.status()) list.push_back(to_json(s));
                      return json_response(200, list);
                    }});
  routes.push_back({"POST", "/api/v1/admin/plugins/{name}/reload", Access::admin, Body::none,
                    [&core](const Request& req) {
                      std::string name = req.path_param("name");
                      try {
                        auto status = core.plugins.reload(name);
                        auto body = to_json(status);
                        body["swap_ms"] = status.swap_ms;
                        return json_response(200, body);
                      } catch (const std::out_of_range&) {
                        return problem(404, "not_found", "No such plugin", "That plugin is not in plugins.enabled.");
                      } catch (const ShuttingDown&) {
                        return problem(503, "shutting_down", "Shutting down", "The daemon is stopping.")
                            .with_header("Retry-After", "5");
                      } catch (const std::exception& e) {
                        return problem(422, "plugin_load_failed", "The plugin could not be loaded",
                                       std::string(e.what()) + " The previous version (if any) keeps serving.");
                      }
                    }});
  routes.push_back({"POST", "/api/v1/admin/plugins/{name}/unload", Access::admin, Body::none,
                    [&core](const Request& req) {
                      try {
                        return json_response(200, to_json(core.plugins.unload(req.path_param("name"))));
                      } catch (const std::out_of_range&) {
                        return problem(404, "not_found", "No such plugin", "That plugin is not in plugins.enabled.");
                      } catch (const ShuttingDown&) {
                        return problem(503, "shutting_down", "Shutting down", "The daemon is stopping.")
                            .with_header("Retry-After", "5");
                      }
                    }});
  return routes;
}

}  // namespace memberd
