#include "transport/route_table.hpp"

#include <set>
#include <stdexcept>

namespace memberd {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

RouteEntry make_route_entry(std::string component, Route route, std::shared_ptr<const void> owner) {
  static const std::set<std::string> methods{"GET", "POST", "PUT", "PATCH", "DELETE"};
  if (!methods.count(route.method)) throw std::invalid_argument("unsupported method " + route.method);
  if (route.pattern.empty() || route.pattern.front() != '/')
    throw std::invalid_argument("route pattern must start with '/': " + route.pattern);
  if (!route.handler) throw std::invalid_argument("route " + route.pattern + " has no handler");
  RouteEntry entry;
  entry.owner = std::move(owner);
  entry.component = std::move(component);
  auto parts = split_path(route.pattern);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto part = parts[i];
    // Only the last segment may be empty ("/console/").
    if (part.empty() && i + 1 != parts.size()) throw std::invalid_argument("empty segment in route pattern " + route.pattern);
    if (!is_parameter(part)) ++entry.literal_count;
    entry.segments.emplace_back(part);
  }
  entry.route = std::move(route);
  return entry;
}

RouteTable::RouteTable(std::vector<RouteEntry> entries) : entries_(std::move(entries)) {
  for (std::size_t i = 0; i < entries_.size(); ++i)
    for (std::size_t j = i + 1; j < entries_.size(); ++j) {
      const auto& a = entries_[i];
      const auto& b = entries_[j];
      if (a.route.method != b.route.method || a.segments.size() != b.segments.size()) continue;
      bool same = true;
      for (std::size_t k = 0; k < a.segments.size() && same; ++k)
        same = a.segments[k] == b.segments[k] || (is_parameter(a.segments[k]) && is_parameter(b.segments[k]));
      if (same)
        throw std::invalid_argument(a.route.method + " " + a.route.pattern + " is claimed by both " + a.component +
                                    " and " + b.component);
    }
}

RouteTable::Match RouteTable::match(std::string_view method, std::string_view path) const {
  Match result;
  if (path.empty() || path.front() != '/') return result;
  auto parts = split_path(path);
  const RouteEntry* best = nullptr;
  std::set<std::string> allowed;
  for (const auto& entry : entries_) {
    if (entry.segments.size() != parts.size()) continue;
    bool fits = true;
    for (std::size_t i = 0; i < parts.size() && fits; ++i)
      fits = is_parameter(entry.segments[i]) ? !parts[i].empty() : entry.segments[i] == parts[i];
    if (!fits) continue;
    bool method_fits = entry.route.method == method || (method == "HEAD" && entry.route.method == "GET");
    if (!method_fits) {
      allowed.insert(entry.route.method);
      continue;
    }
    // The most specific pattern wins: /members/me before /members/{id}.
    if (!best || entry.literal_count > best->literal_count) best = &entry;
  }
  if (best) {
    result.outcome = Outcome::found;
    result.entry = best;
    for (std::size_t i = 0; i < parts.size(); ++i)
      if (is_parameter(best->segments[i]))
        result.params.emplace_back(best->segments[i].substr(1, best->segments[i].size() - 2), std::string(parts[i]));
    return result;
  }
  if (!allowed.empty()) {
    result.outcome = Outcome::method_not_allowed;
    for (const auto& m : allowed) result.allowed += (result.allowed.empty() ? "" : ", ") + m;
  }
  return result;
}

}  // namespace memberd
