// The cluster for admins (api/openapi.yaml, /api/v1/admin/cluster): every
// daemon serving from this database (cluster_registry.hpp), whether it is
// alive and whether it leads, its version and its plugins; and which plugins
// differ between the daemons alive (a rolling upgrade half done).
#include "api/core_services.hpp"
#include "storage/cluster_registry.hpp"
#include "util/time_format.hpp"

#include <memberd/json.hpp>
#include <memberd/problem.hpp>

#include <map>
#include <set>

namespace memberd {

namespace {

nlohmann::json time_or_null(long long unix_seconds) {
  if (unix_seconds <= 0) return nullptr;
  return format_rfc3339(from_unix(unix_seconds));
}

Response list_cluster(CoreServices& core, const Request& req) {
  long long now = to_unix(core.clock.now());
  auto daemons = core.cluster->list(req.work(), now);
  if (!daemons) return refusal_problem(daemons.failure());
  nlohmann::json out = nlohmann::json::array();
  // plugin -> the distinct files (sha256) alive daemons serve it from.
  std::map<std::string, std::set<std::string>> files;
  for (const auto& d : *daemons) {
    auto plugins = nlohmann::json::parse(d.plugins_json, nullptr, false);
    if (!plugins.is_array()) plugins = nlohmann::json::array();
    if (d.alive)
      for (const auto& p : plugins)
        if (p.is_object() && p.value("state", "") == "loaded")
          files[p.value("name", "")].insert(p.value("sha256", ""));
    out.push_back({{"daemon_id", d.daemon_id},
                   {"this_daemon", d.daemon_id == core.cluster->id()},
                   {"host", d.host},
                   {"pid", d.pid},
                   {"version", d.version},
                   {"alive", d.alive},
                   {"leader", d.leader},
                   {"started_at", time_or_null(d.started_at)},
                   {"updated_at", time_or_null(d.updated_at)},
                   {"stopped_at", time_or_null(d.stopped_at)},
                   {"plugins", plugins}});
  }
  nlohmann::json skew = nlohmann::json::array();
  for (const auto& [name, shas] : files)
    if (shas.size() > 1) skew.push_back(name);
  return json_response(200, {{"daemons", out}, {"plugins_differ", skew}});
}

}  // namespace

std::vector<Route> admin_cluster_routes(CoreServices& core) {
  return {{"GET", "/api/v1/admin/cluster", Access::admin, Body::none,
           [&core](const Request& req) { return list_cluster(core, req); }}};
}

}  // namespace memberd
