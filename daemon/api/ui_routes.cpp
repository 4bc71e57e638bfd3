// GET /api/v1/ui: what the shells build their menus from — the pages and
// panels of the plugins serving now, those the caller may open.
#include "api/access_name.hpp"
#include "api/core_services.hpp"
#include "plugin_host/plugin_host.hpp"

#include <memberd/json.hpp>

#include <algorithm>

namespace memberd {

namespace {

// Listing an entry is not opening it (its API still checks), but a visitor
// is not told what only members and admins have.
bool may_open(const Caller& caller, Access access) {
  switch (access) {
    case Access::anyone: return true;
    case Access::member:
    case Access::privileged: return caller.signed_in() || caller.socket_operator;
    case Access::admin: return caller.has_role("admin");
  }
  return false;
}

}  // namespace

std::vector<Route> ui_routes(CoreServices& core) {
  return {{"GET", "/api/v1/ui", Access::anyone, Body::none, [&core](const Request& req) {
             auto entries = core.plugins.ui_entries();
             std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
               return a.entry.order != b.entry.order ? a.entry.order < b.entry.order : a.entry.title < b.entry.title;
             });
             nlohmann::json account = nlohmann::json::array(), console = nlohmann::json::array();
             for (const auto& e : entries) {
               if (!may_open(req.caller(), e.entry.access)) continue;
               nlohmann::json item{{"plugin", e.plugin},   {"id", e.entry.id},
                                   {"title", e.entry.title}, {"order", e.entry.order},
                                   {"access", access_name(e.entry.access)},
                                   {"menu", e.entry.in_menu && e.entry.access != Access::anyone},
                                   {"module", e.module_url}, {"styles", e.style_urls}};
               (e.entry.shell == UiShell::account ? account : console).push_back(std::move(item));
             }
             return json_response(200, {{"account", std::move(account)}, {"console", std::move(console)}});
           }}};
}

}  // namespace memberd
