// The router's path matching (daemon/transport/route_table.cpp) on a table
// of the routes the daemon and its plugins register, fed the request target
// the way the transport passes it: the part before '?', percent-decoded
// (http_server.cpp, dispatcher.cpp). The first byte picks the method.
//
// Checked: a found route's segments, with its parameters put back, are the
// path; no parameter is empty or holds a '/'; no other route that fits has
// more literal segments; a 405 lists only other methods; a 404 means no
// pattern fits at all.
#include "transport/route_table.hpp"
#include "transport/url_decode.hpp"

#include "fuzz_check.hpp"

#include <array>

namespace {

using memberd::RouteTable;

// A sample of the real table (literals beside parameters at the same depth,
// the root, a trailing empty segment), plus a pattern with two parameters,
// which the SDK allows a plugin to register.
const RouteTable& table() {
  static const RouteTable routes = [] {
    const std::pair<const char*, const char*> patterns[] = {
        {"GET", "/"},
        {"GET", "/healthz"},
        {"GET", "/console/"},
        {"GET", "/api/v1/me"},
        {"PUT", "/api/v1/me/photo"},
        {"GET", "/api/v1/me/photo/pending"},
        {"POST", "/api/v1/members"},
        {"GET", "/api/v1/members/{member_id}/photo"},
        {"GET", "/api/v1/members/{member_id}/profile"},
        {"GET", "/api/v1/admin/reviews/summary"},
        {"GET", "/api/v1/admin/reviews/{revision_id}"},
        {"POST", "/api/v1/admin/reviews/approve"},
        {"POST", "/api/v1/admin/reviews/{revision_id}/approve"},
        {"POST", "/api/v1/admin/plugins/{name}/reload"},
        {"GET", "/api/v1/admin/members/{member_id}"},
        {"DELETE", "/api/v1/admin/members/{member_id}/sessions"},
        {"PUT", "/api/v1/admin/members/{member_id}/email-subscriptions"},
        {"GET", "/api/v1/admin/members/{member_id}/email-subscriptions"},
        {"GET", "/api/v1/plugin/{kind}/items/{item_id}"},
    };
    std::vector<memberd::RouteEntry> entries;
    for (const auto& [method, pattern] : patterns) {
      memberd::Route route;
      route.method = method;
      route.pattern = pattern;
      route.handler = [](const memberd::Request&) { return memberd::Response{}; };
      entries.push_back(memberd::make_route_entry("fuzz", std::move(route)));
    }
    return RouteTable(std::move(entries));
  }();
  return routes;
}

bool is_parameter(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::vector<std::string_view> segments_of(std::string_view path) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 1; start <= path.size();) {
    auto end = std::min(path.find('/', start), path.size());
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool fits(const memberd::RouteEntry& entry, const std::vector<std::string_view>& parts) {
  if (entry.segments.size() != parts.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (is_parameter(entry.segments[i]) ? parts[i].empty() : entry.segments[i] != parts[i]) return false;
  return true;
}

bool method_fits(const memberd::RouteEntry& entry, std::string_view method) {
  return entry.route.method == method || (method == "HEAD" && entry.route.method == "GET");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const std::array<std::string_view, 8> methods{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", ""};
  const std::string_view method = methods[data[0] & 7];
  const std::string_view target = memberd::fuzz::text_of(data + 1, size - 1);
  const std::string path = memberd::percent_decode(target.substr(0, target.find('?')), false);

  const auto match = table().match(method, path);
  const bool absolute = !path.empty() && path.front() == '/';
  const auto parts = absolute ? segments_of(path) : std::vector<std::string_view>{};
  switch (match.outcome) {
    case RouteTable::Outcome::found: {
      FUZZ_CHECK(absolute && match.entry && method_fits(*match.entry, method));
      std::string rebuilt;
      std::size_t next_param = 0;
      for (const auto& segment : match.entry->segments) {
        rebuilt += '/';
        if (!is_parameter(segment)) {
          rebuilt += segment;
          continue;
        }
        FUZZ_CHECK(next_param < match.params.size());
        const auto& [name, value] = match.params[next_param++];
        FUZZ_CHECK(name == segment.substr(1, segment.size() - 2));
        FUZZ_CHECK(!value.empty() && value.find('/') == std::string::npos);
        rebuilt += value;
      }
      FUZZ_CHECK(next_param == match.params.size());
      FUZZ_CHECK(rebuilt == path);
      for (const auto& other : table().entries())
        if (fits(other, parts) && method_fits(other, method))
          FUZZ_CHECK(other.literal_count <= match.entry->literal_count);
      break;
    }
    case RouteTable::Outcome::method_not_allowed: {
      FUZZ_CHECK(absolute && !match.entry && !match.allowed.empty());
      for (const auto& other : table().entries())
        if (fits(other, parts)) FUZZ_CHECK(!method_fits(other, method));
      break;
    }
    case RouteTable::Outcome::no_such_path:
      FUZZ_CHECK(!match.entry);
      for (const auto& other : table().entries()) FUZZ_CHECK(!absolute || !fits(other, parts));
      break;
  }
  return 0;
}
