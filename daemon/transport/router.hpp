#pragma once
// The router: every route set the daemon serves — the core's own, installed
// once at start, and each plugin version's — and the table built from them.
// A change builds a new RouteTable and publishes it with one atomic store; a
// request takes a snapshot that keeps its routes (and their owners) alive.
#include "plugin_host/route_sets.hpp"
#include "transport/route_table.hpp"

#include <map>
#include <mutex>

namespace memberd {

class Router final : public RouteSets {
 public:
  void install(const std::string& component, std::vector<Route> routes, std::shared_ptr<const void> owner,
               BodyLimits body_limits = {}) override;
  void withdraw(const std::string& component) override;
  std::shared_ptr<const RouteTable> snapshot() const { return published_.snapshot(); }

 private:
  struct Set {
    std::vector<Route> routes;
    std::shared_ptr<const void> owner;
    BodyLimits body_limits;
  };
  // Builds the table with `sets_` as they would be; throws on a conflict.
  std::shared_ptr<const RouteTable> table_of(const std::map<std::string, Set>& sets) const;

  std::mutex mutex_;  // serialises changes; readers use the published table
  std::map<std::string, Set> sets_;
  PublishedRoutes published_;
};

}  // namespace memberd
