#include "api/core_services.hpp"
#include "metrics/registry.hpp"
#include "plugin_host/plugin_host.hpp"
#include "storage/database.hpp"
#include "storage/write_probe.hpp"

#include <memberd/json.hpp>

#include <memory>

namespace memberd {

namespace {

Response stopping_problem() {
  auto body = nlohmann::json{{"type", "urn:memberd:problem:stopping"},
                             {"title", "Stopping"},
                             {"status", 503},
                             {"detail", "This daemon is shutting down: send requests to another one."}};
  Response r{503, "application/problem+json", body.dump(), {}};
  // No Retry-After: this daemon will not be ready again; its successor is a
  // new process the balancer checks on its own.
  return r;
}

}  // namespace

std::vector<Route> health_routes(CoreServices& core) {
  std::vector<Route> routes;
  routes.push_back({"GET", "/healthz", Access::anyone, Body::none, [](const Request&) {
                      return Response{200, "application/json; charset=utf-8", R"({"status":"ok"})", {}};
                    }});
  // One probe for every /readyz: it writes at most once every 2 s.
  auto writes = std::make_shared<WriteProbe>(core.database);
  routes.push_back({"GET", "/readyz", Access::anyone, Body::none, [&core, writes](const Request&) {
                      // First, and with no database asked: a balancer must
                      // see it at once and take this daemon out while it
                      // still serves (shutdown.lame_duck).
                      if (core.stopping && core.stopping()) return stopping_problem();
                      nlohmann::json missing = nlohmann::json::array();
                      // "database": it does not answer; "database_writes": it
                      // answers but a write fails (disk full, read-only).
                      if (!core.database.ping()) missing.push_back("database");
                      else if (!writes->writes_work()) missing.push_back("database_writes");
                      // A plugin an operator unloaded is absent on purpose, not missing.
                      for (const auto& plugin : core.plugins.status())
                        if (plugin.state != PluginState::loaded && plugin.state != PluginState::unloaded)
                          missing.push_back("plugin:" + plugin.name);
                      if (missing.empty()) {
                        // Which file each plugin serves from, so that a
                        // balancer's or operator's check sees a daemon that
                        // runs another version than its peers.
                        nlohmann::json plugins = nlohmann::json::object();
                        for (const auto& plugin : core.plugins.status())
                          if (plugin.state == PluginState::loaded)
                            plugins[plugin.name] = {{"version", plugin.version},
                                                    {"sha256", plugin.sha256.substr(0, 12)},
                                                    {"generation", plugin.generation}};
                        return json_response(200, {{"status", "ready"}, {"plugins", plugins}});
                      }
                      auto body = nlohmann::json{{"type", "urn:memberd:problem:not_ready"},
                                                 {"title", "Not ready"},
                                                 {"status", 503},
                                                 {"detail", "Some parts are not available yet."},
                                                 {"missing", missing}};
                      Response r{503, "application/problem+json", body.dump(), {}};
                      r.headers.emplace_back("Retry-After", "5");
                      return r;
                    }});
  routes.push_back({"GET", "/metrics", Access::admin, Body::none, [&core](const Request&) {
                      if (core.before_scrape) core.before_scrape();
                      return Response{200, "text/plain; version=0.0.4; charset=utf-8", core.metrics.render(), {}};
                    }});
  return routes;
}

}  // namespace memberd
