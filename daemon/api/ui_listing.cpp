#include "api/ui_listing.hpp"

#include "api/access_name.hpp"
#include "plugin_host/plugin_host.hpp"
#include "util/time_format.hpp"

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

nlohmann::json ui_listing(CoreServices& core, const Caller& caller) {
  auto entries = core.plugins.ui_entries();
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return a.entry.order != b.entry.order ? a.entry.order < b.entry.order : a.entry.title < b.entry.title;
  });
  nlohmann::json account = nlohmann::json::array(), console = nlohmann::json::array();
  for (const auto& e : entries) {
    if (!may_open(caller, e.entry.access)) continue;
    nlohmann::json item{{"plugin", e.plugin},   {"id", e.entry.id},
                        {"title", e.entry.title}, {"order", e.entry.order},
                        {"access", access_name(e.entry.access)},
                        {"menu", e.entry.in_menu && e.entry.access != Access::anyone},
                        {"module", e.module_url}, {"styles", e.style_urls}, {"imports", e.import_urls}};
    (e.entry.shell == UiShell::account ? account : console).push_back(std::move(item));
  }
  return {{"account", std::move(account)}, {"console", std::move(console)}};
}

nlohmann::json session_view(CoreServices& core, const Caller& c) {
  bool privileged = c.privileged_until > core.clock.now();
  return {{"member_id", c.socket_operator ? nlohmann::json(nullptr) : nlohmann::json(c.member_id)},
          {"email", c.socket_operator ? nlohmann::json(nullptr) : nlohmann::json(c.email)},
          {"roles", c.roles},
          {"operator", c.socket_operator},
          {"privileged_until", privileged ? nlohmann::json(format_rfc3339(c.privileged_until)) : nlohmann::json(nullptr)}};
}

}  // namespace memberd
