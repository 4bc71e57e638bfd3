#pragma once
// The immutable table of every route the daemon serves, core and plugins'.
//
// A hot swap builds a new table and publishes it with one atomic store; a
// request takes a snapshot (a shared_ptr) when it starts and keeps it until
// its response is written, so the routes it uses — and the plugins that own
// them — stay alive exactly as long as something still runs their code.
#include <memberd/http.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace memberd {

struct RouteEntry {
  // Declared first so that it is destroyed last: `route.handler` is code
  // inside the plugin's library, which `owner` keeps loaded.
  std::shared_ptr<const void> owner;
  std::string component;  // "core" or the plugin's name
  Route route;
  std::vector<std::string> segments;  // the pattern split at '/'; "{x}" marks a parameter
  int literal_count = 0;
  // The route's own body limit (an upload); else http.max_body_bytes.
  std::optional<std::size_t> max_body_bytes;
};

using PathParams = std::vector<std::pair<std::string, std::string>>;

class RouteTable {
 public:
  // Throws std::invalid_argument naming both owners when two entries claim
  // the same method and pattern, or a pattern is malformed.
  explicit RouteTable(std::vector<RouteEntry> entries);

  enum class Outcome { found, no_such_path, method_not_allowed };
  struct Match {
    Outcome outcome = Outcome::no_such_path;
    const RouteEntry* entry = nullptr;
    PathParams params;
    std::string allowed;  // "GET, PUT" for a 405
  };
  Match match(std::string_view method, std::string_view path) const;

  const std::vector<RouteEntry>& entries() const { return entries_; }

 private:
  std::vector<RouteEntry> entries_;
};

// Builds an entry (splitting and checking the pattern).
RouteEntry make_route_entry(std::string component, Route route, std::shared_ptr<const void> owner = {});

class PublishedRoutes {
 public:
  PublishedRoutes() : table_(std::make_shared<const RouteTable>(std::vector<RouteEntry>{})) {}
  std::shared_ptr<const RouteTable> snapshot() const { return table_.load(std::memory_order_acquire); }
  void publish(std::shared_ptr<const RouteTable> table) { table_.store(std::move(table), std::memory_order_release); }

 private:
  std::atomic<std::shared_ptr<const RouteTable>> table_;
};

}  // namespace memberd
