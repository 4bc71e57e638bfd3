// The HTTP contract, served: GET /api/v1/openapi.json (the core's document
// with the serving plugins' parts, so an unloaded plugin's paths go with
// it) and GET /api/v1/admin/routes (every route served now, its owner and
// access, and whether the document describes it).
#include "api/access_name.hpp"
#include "api/core_services.hpp"
#include "api/openapi_document.hpp"
#include "plugin_host/plugin_host.hpp"

#include <memberd/json.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <sstream>

namespace memberd {

namespace {

MergedContract current(CoreServices& core, const nlohmann::json& document, std::vector<ServedRoute>& routes) {
  routes = core.served_routes ? core.served_routes() : std::vector<ServedRoute>{};
  return merge_contract(document, core.plugins.api_descriptions(), routes);
}

// What the plugins serving now are: each one's name, generation and state.
// Any load, swap or unload changes it, and nothing else changes the document.
std::string plugins_version(CoreServices& core) {
  std::string version;
  for (const auto& plugin : core.plugins.status())
    version += plugin.name + ":" + std::to_string(plugin.generation) + ":" + state_name(plugin.state) + ";";
  return version;
}

// The served document, merged and serialised once per plugins_version: the
// route is public, so a request must cost no more than sending the bytes.
class ServedDocument {
 public:
  struct Bytes {
    std::string version, body, etag;
  };
  std::shared_ptr<const Bytes> get(CoreServices& core, const nlohmann::json& document) {
    const std::string version = plugins_version(core);
    {
      std::lock_guard lock(mutex_);
      if (cached_ && cached_->version == version) return cached_;
    }
    std::vector<ServedRoute> served;
    auto fresh = std::make_shared<Bytes>();
    fresh->version = version;
    fresh->body = current(core, document, served).document.dump();
    std::ostringstream etag;
    etag << "\"" << std::hex << std::hash<std::string>{}(fresh->body) << "\"";
    fresh->etag = etag.str();
    std::lock_guard lock(mutex_);
    cached_ = fresh;
    return fresh;
  }

 private:
  std::mutex mutex_;
  std::shared_ptr<const Bytes> cached_;
};

}  // namespace

std::vector<Route> contract_routes(CoreServices& core) {
  auto document = core_contract();
  auto served_document = std::make_shared<ServedDocument>();
  std::vector<Route> routes;
  routes.push_back({"GET", "/api/v1/openapi.json", Access::anyone, Body::none,
                    [&core, document, served_document](const Request& request) {
                      const auto bytes = served_document->get(core, *document);
                      // no-cache: a client revalidates, and a swap shows at once.
                      if (request.header("If-None-Match") == std::optional<std::string>(bytes->etag))
                        return Response{304, "", "", {{"ETag", bytes->etag}, {"Cache-Control", "no-cache"}}};
                      return Response{200, "application/json; charset=utf-8", bytes->body,
                                      {{"ETag", bytes->etag}, {"Cache-Control", "no-cache"}}};
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
                      return json_response(200, {{"items", items},
                                                 {"described_but_not_served", merged.unserved},
                                                 {"component_clashes", merged.clashes}});
                    }});
  return routes;
}

}  // namespace memberd
