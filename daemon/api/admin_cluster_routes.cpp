// The cluster for admins (api/openapi.yaml, /api/v1/admin/cluster): every
// daemon serving from this database (cluster_registry.hpp), whether it is
// alive and whether it leads, its version and its plugins; which plugins
// differ between the daemons alive (a rolling upgrade half done); and the
// plugin reloads and unloads asked for the whole cluster
// (plugin_requests.hpp) with how far the daemons alive got.
#include "api/acting_admin.hpp"
#include "api/recorded_change.hpp"
#include "api/core_services.hpp"
#include "plugin_host/plugin_host.hpp"
#include "storage/cluster_registry.hpp"
#include "storage/plugin_requests.hpp"
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

// A daemon's plugins as it recorded them; [] when the row holds anything else.
nlohmann::json plugins_of(const DaemonRecord& daemon) {
  auto plugins = nlohmann::json::parse(daemon.plugins_json, nullptr, false);
  return plugins.is_array() ? plugins : nlohmann::json::array();
}

// How far the daemons alive got with `request`: each either applied it
// (done, or failed with its error), or not yet (waiting). Not counted: a
// daemon without the plugin in its plugins.enabled, and one of an older
// release that does not converge (its entries carry no `request`), which a
// rolling upgrade has alive beside the new ones for a while.
// The daemons alive with their plugins, read once for every request.
struct AliveDaemon {
  const DaemonRecord* record;
  nlohmann::json plugins;
};

std::vector<AliveDaemon> alive_daemons(const std::vector<DaemonRecord>& daemons) {
  std::vector<AliveDaemon> out;
  for (const auto& d : daemons)
    if (d.alive) out.push_back({&d, plugins_of(d)});
  return out;
}

nlohmann::json progress(const PluginRequest& request, const std::vector<AliveDaemon>& alive) {
  int done = 0, failed = 0, waiting = 0;
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& [d, plugins] : alive) {
    for (const auto& p : plugins) {
      if (!p.is_object() || p.value("name", "") != request.plugin || !p.contains("request")) continue;
      auto applied = p.value("request", 0LL);
      auto error = p.contains("request_error") && p["request_error"].is_string() ? p["request_error"].get<std::string>() : "";
      if (applied < request.request_id)
        ++waiting;
      else if (applied == request.request_id && !error.empty()) {
        ++failed;
        failures.push_back({{"daemon_id", d->daemon_id}, {"host", d->host}, {"error", error}});
      } else
        ++done;
    }
  }
  const char* state = waiting > 0 ? "converging" : failed > 0 ? "failed" : "done";
  return {{"plugin", request.plugin},
          {"action", request.action},
          {"request_id", request.request_id},
          {"requested_at", time_or_null(request.requested_at)},
          {"requested_by", request.requested_by},
          {"state", state},
          {"daemons", {{"done", done}, {"failed", failed}, {"waiting", waiting}}},
          {"failures", failures}};
}

Response list_cluster(CoreServices& core, const Request& req) {
  long long now = to_unix(core.clock.now());
  auto daemons = core.cluster->list(req.work(), now);
  if (!daemons) return refusal_problem(daemons.failure());
  auto requests = core.plugin_requests->list(req.work());
  if (!requests) return refusal_problem(requests.failure());
  nlohmann::json out = nlohmann::json::array();
  // plugin -> the distinct files (sha256) alive daemons serve it from.
  std::map<std::string, std::set<std::string>> files;
  for (const auto& d : *daemons) {
    auto plugins = plugins_of(d);
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
  nlohmann::json asked = nlohmann::json::array();
  auto alive = alive_daemons(*daemons);
  for (const auto& r : *requests) asked.push_back(progress(r, alive));
  return json_response(200, {{"daemons", out}, {"plugins_differ", skew}, {"requests", asked}});
}

Response ask_cluster(CoreServices& core, const Request& req, const std::string& action) {
  std::string name = req.path_param("name");
  // Only a plugin this daemon knows (its plugins.enabled): a typo must not
  // become a desired state every daemon carries.
  bool known = false;
  for (const auto& s : core.plugins.status()) known = known || s.name == name;
  if (!known) return problem(404, "not_found", "No such plugin", "That plugin is not in plugins.enabled.");
  long long now = to_unix(core.clock.now());
  auto asked = recorded_change(*core.audit, req.work(),
                               [&] { return core.plugin_requests->ask(req.work(), name, action, acting_admin(req), now); });
  if (!asked) return refusal_problem(asked.failure());
  auto daemons = core.cluster->list(req.work(), now);
  if (!daemons) return refusal_problem(daemons.failure());
  return json_response(202, progress(*asked, alive_daemons(*daemons)));
}

}  // namespace

std::vector<Route> admin_cluster_routes(CoreServices& core) {
  return {{"GET", "/api/v1/admin/cluster", Access::admin, Body::none,
           [&core](const Request& req) { return list_cluster(core, req); }},
          {"POST", "/api/v1/admin/cluster/plugins/{name}/reload", Access::admin, Body::none,
           [&core](const Request& req) { return ask_cluster(core, req, "reload"); }},
          {"POST", "/api/v1/admin/cluster/plugins/{name}/unload", Access::admin, Body::none,
           [&core](const Request& req) { return ask_cluster(core, req, "unload"); }}};
}

}  // namespace memberd
