#pragma once
// Where the plugin host hands each plugin version's routes. The daemon's
// router implements it; the plugin host knows nothing of route tables.
#include <memberd/http.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace memberd {

// Routes whose bodies may be longer (or shorter) than http.max_body_bytes
// (Host::add_route_with_body_limit), by "METHOD pattern".
using BodyLimits = std::map<std::string, std::size_t>;
inline std::string body_limit_key(const Route& route) { return route.method + " " + route.pattern; }

class RouteSets {
 public:
  virtual ~RouteSets() = default;
  // Serves `routes` as `component`'s, replacing its earlier set in one
  // atomic step; `owner` stays alive while any request still uses them.
  // Throws std::invalid_argument (naming both owners) when a route collides
  // with another component's: then nothing changes.
  // `body_limits` name routes of the set with a body limit of their own.
  virtual void install(const std::string& component, std::vector<Route> routes, std::shared_ptr<const void> owner,
                       BodyLimits body_limits = {}) = 0;
  // Stops serving `component`'s routes (requests in flight finish on them).
  virtual void withdraw(const std::string& component) = 0;
};

}  // namespace memberd
