// The HTTP contract, served: GET /api/v1/openapi.json (the core's document
// with the serving plugins' parts, so an unloaded plugin's paths go with
// it) and GET /api/v1/admin/routes (every route served now, its owner and
// access, and whether the document describes it).
#include "api/core_services.hpp"
#include "api/openapi_document.hpp"
#include "config/yaml_json.hpp"
#include "plugin_host/plugin_host.hpp"

#include <memberd/embedded_file.hpp>
#include <memberd/json.hpp>

#include <memory>
#include <stdexcept>

namespace memberd {

namespace core_openapi {
const std::vector<EmbeddedFile>& files();  // daemon/CMakeLists.txt: api/openapi.yaml, compiled in
}

namespace {

// The core's document, read once: a mistake in it stops the daemon at start
// (and fails tests/unit/openapi_document_test.cpp first).
std::shared_ptr<const nlohmann::json> core_document() {
  const auto* file = find_embedded_file(core_openapi::files(), "openapi.yaml");
  if (!file) throw std::logic_error("the core's openapi.yaml is not compiled in");
  return std::make_shared<const nlohmann::json>(yaml_text_to_json("daemon/api/openapi.yaml", std::string(file->data)));
}

MergedContract current(CoreServices& core, const nlohmann::json& document, std::vector<ServedRoute>& routes) {
  routes = core.served_routes ? core.served_routes() : std::vector<ServedRoute>{};
  return merge_contract(document, core.plugins.api_descriptions(), routes);
}

}  // namespace

std::vector<Route> contract_routes(CoreServices& core) {
  auto document = core_document();
  std::vector<Route> routes;
  routes.push_back({"GET", "/api/v1/openapi.json", Access::anyone, Body::none, [&core, document](const Request&) {
                      std::vector<ServedRoute> served;
                      auto response = json_response(200, current(core, *document, served).document);
                      response.headers.emplace_back("Cache-Control", "no-cache");
                      return response;
                    }});
  routes.push_back({"GET", "/api/v1/admin/routes", Access::admin, Body::none, [&core, document](const Request&) {
                      std::vector<ServedRoute> served;
                      const MergedContract merged = current(core, *document, served);
                      nlohmann::json items = nlohmann::json::array();
                      for (std::size_t i = 0; i < served.size(); ++i)
                        items.push_back({{"method", served[i].method},
                                         {"pattern", served[i].pattern},
                                         {"owner", served[i].owner},
                                         {"access", access_name(served[i].access)},
                                         {"documented", bool(merged.documented[i])}});
                      return json_response(200, {{"items", items}, {"described_but_not_served", merged.unserved},
                                                 {"component_clashes", merged.clashes}});
                    }});
  return routes;
}

}  // namespace memberd
