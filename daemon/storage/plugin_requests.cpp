#include "storage/plugin_requests.hpp"

#include "storage/change_feed.hpp"
#include "storage/row_values.hpp"
#include "storage/unit_sql.hpp"

#include <soci/soci.h>

#include <stdexcept>

namespace memberd {

PluginRequests::PluginRequests(ChangeFeed& changes) : changes_(changes) {}

Result<PluginRequest> PluginRequests::ask(UnitOfWork& work, const std::string& plugin, const std::string& action,
                                          const std::string& requested_by, long long now) {
  if (action != "reload" && action != "unload") throw std::invalid_argument("PluginRequests::ask: unknown action");
  return atomically(work, [&](soci::session& sql) -> Result<PluginRequest> {
    PluginRequest request{plugin, action, 0, now, requested_by.substr(0, 64)};
    // One statement, so two admins asking at once on two daemons get two
    // ids (the row is locked by the first until its commit).
    sql << "INSERT INTO cluster_plugin_requests (plugin, request_id, action, requested_at, requested_by)"
           " VALUES (:p, 1, :a, :t, :b) ON CONFLICT (plugin) DO UPDATE SET"
           " request_id = cluster_plugin_requests.request_id + 1, action = excluded.action,"
           " requested_at = excluded.requested_at, requested_by = excluded.requested_by",
        soci::use(request.plugin), soci::use(request.action), soci::use(request.requested_at),
        soci::use(request.requested_by);
    sql << "SELECT request_id FROM cluster_plugin_requests WHERE plugin = :p", soci::use(request.plugin),
        soci::into(request.request_id);
    if (auto told = changes_.announce(work, kTopic, plugin); !told) return told.failure();
    return request;
  });
}

Result<std::vector<PluginRequest>> PluginRequests::list(UnitOfWork& work) {
  auto connection = work.connection();
  if (!connection) return connection.failure();
  soci::rowset<soci::row> rows = ((*connection)->prepare
                                  << "SELECT plugin, request_id, action, requested_at, requested_by"
                                     " FROM cluster_plugin_requests ORDER BY plugin");
  std::vector<PluginRequest> out;
  for (const auto& row : rows)
    out.push_back({row.get<std::string>(0), row.get<std::string>(2), row_int64(row, 1), row_int64(row, 3),
                   row.get<std::string>(4)});
  return out;
}

}  // namespace memberd
