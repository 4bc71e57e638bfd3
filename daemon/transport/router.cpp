#include "transport/router.hpp"

namespace memberd {

std::shared_ptr<const RouteTable> Router::table_of(const std::map<std::string, Set>& sets) const {
  std::vector<RouteEntry> entries;
  for (const auto& [component, set] : sets)
    for (const auto& route : set.routes) {
      entries.push_back(make_route_entry(component, route, set.owner));
      if (auto limit = set.body_limits.find(body_limit_key(route)); limit != set.body_limits.end())
        entries.back().max_body_bytes = limit->second;
    }
  return std::make_shared<const RouteTable>(std::move(entries));
}

void Router::install(const std::string& component, std::vector<Route> routes, std::shared_ptr<const void> owner,
                     BodyLimits body_limits) {
  std::lock_guard lock(mutex_);
  auto next = sets_;
  next[component] = Set{std::move(routes), std::move(owner), std::move(body_limits)};
  auto table = table_of(next);  // throws on a conflict: nothing changed
  sets_ = std::move(next);
  published_.publish(std::move(table));
}

void Router::withdraw(const std::string& component) {
  std::lock_guard lock(mutex_);
  if (sets_.erase(component) == 0) return;
  published_.publish(table_of(sets_));
}

}  // namespace memberd
