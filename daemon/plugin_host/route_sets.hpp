#pragma once
// Where the plugin host hands each plugin version's routes. The daemon's
// router implements it; the plugin host knows nothing of route tables.
#include <memberd/http.hpp>

#include <memory>
#include <string>
#include <vector>

namespace memberd {

class RouteSets {
 public:
  virtual ~RouteSets() = default;
  // Serves `routes` as `component`'s, replacing its earlier set in one
  // atomic step; `owner` stays alive while any request still uses them.
  // Throws std::invalid_argument (naming both owners) when a route collides
  // with another component's: then nothing changes.
  virtual void install(const std::string& component, std::vector<Route> routes, std::shared_ptr<const void> owner) = 0;
  // Stops serving `component`'s routes (requests in flight finish on them).
  virtual void withdraw(const std::string& component) = 0;
};

}  // namespace memberd
