#pragma once
// A plugin reload or unload asked once for the whole cluster (table
// cluster_plugin_requests, `POST /api/v1/admin/cluster/plugins/{name}/...`).
// The newest request per plugin is that plugin's desired state: every
// daemon applies a request newer than the one it applied last, including a
// daemon that starts later (plugin_host/cluster_convergence.hpp), and
// reports the outcome in its cluster_daemons row, where
// GET /api/v1/admin/cluster reads the progress.
#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <string>
#include <vector>

namespace memberd {

class ChangeFeed;

struct PluginRequest {
  std::string plugin;
  std::string action;  // "reload" or "unload"
  long long request_id = 0;  // 1, 2, 3... per plugin
  long long requested_at = 0;
  std::string requested_by;  // the admin's member id, or "operator" (the socket)
};

class PluginRequests {
 public:
  // What a daemon hears when a request is made: the key is the plugin.
  static constexpr const char* kTopic = "cluster.plugins";

  explicit PluginRequests(ChangeFeed& changes);

  // Makes `action` the desired state of `plugin` with the next request id,
  // and wakes every daemon at commit. `action` is "reload" or "unload"
  // (std::invalid_argument otherwise). Joins `work`'s transaction, or runs
  // in one of its own. Fails: busy, unavailable.
  Result<PluginRequest> ask(UnitOfWork& work, const std::string& plugin, const std::string& action,
                            const std::string& requested_by, long long now);
  // Every plugin's newest request, by plugin name. Fails: busy, unavailable.
  Result<std::vector<PluginRequest>> list(UnitOfWork& work);

 private:
  ChangeFeed& changes_;
};

}  // namespace memberd
