// GET /api/v1/ui: what the shells build their menus from — the pages and
// panels of the plugins serving now, those the caller may open.
#include "api/core_services.hpp"
#include "api/ui_listing.hpp"

#include <memberd/json.hpp>

namespace memberd {

std::vector<Route> ui_routes(CoreServices& core) {
  return {{"GET", "/api/v1/ui", Access::anyone, Body::none,
           [&core](const Request& req) { return json_response(200, ui_listing(core, req.caller())); }}};
}

}  // namespace memberd
