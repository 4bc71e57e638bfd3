#pragma once
// The HTTP contract as served: the core's OpenAPI document (api/openapi.yaml)
// with the fragments of the plugins serving now, and what the route table
// says of each operation filled in, so the document cannot claim an access
// rule the code does not enforce.
#include "api/core_services.hpp"
#include "plugin_host/api_description.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace memberd {

struct MergedContract {
  nlohmann::json document;
  // Parallel to the routes given: whether the document describes each.
  std::vector<bool> documented;
  // "GET /console/" for each operation of the core's document that no route
  // serves now (left out of `document`): none unless a part is off
  // (console.enabled) or the document has gone stale.
  std::vector<std::string> unserved;
  // "<plugin>: components.schemas.<name>" for each component a plugin gave
  // that the core or an earlier plugin already had (theirs is kept).
  std::vector<std::string> clashes;
};

// Adds each plugin's paths and components to `core`, then, for every route
// in `routes`: `x-memberd-access` (anyone, member, privileged, admin),
// `security` (none for anyone; the bearer token or the cookie otherwise) and
// a tag naming its owner. A plugin's web files (the host's routes under
// /account/plugins/<plugin>/ and /console/plugins/<plugin>/) refer to the
// core's path item PluginWebFile. Operations of the core document that no
// route serves are left out, so the document never names a route that
// answers 404.
MergedContract merge_contract(const nlohmann::json& core,
                              const std::vector<std::pair<std::string, ApiDescription>>& plugins,
                              const std::vector<ServedRoute>& routes);

// The core's document (api/openapi.yaml, compiled in), read once. Throws
// std::invalid_argument at the first call when it is not valid YAML: the
// daemon does not start (tests/unit/openapi_document_test.cpp fails first).
std::shared_ptr<const nlohmann::json> core_contract();

}  // namespace memberd
