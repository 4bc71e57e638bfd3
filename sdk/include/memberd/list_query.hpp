#pragma once
// The HTTP API's list convention (docs/http-api.md), `?limit=N` (default 50, at most 500) and
// `?cursor=` from a previous page's `next_cursor`: one reading for every
// listing, core and plugins alike. A cursor that is not one a page gave is a
// 422 field error, never a 500.
#include <memberd/http.hpp>
#include <memberd/utc_time.hpp>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace memberd {

// The page size the request asks for, or `fallback` when it gives none.
// `text` as a number when it is nothing but 1 to `max_digits` ASCII digits
// (no sign, no space), else nullopt. At most 18 digits: every such number
// fits in 64 bits, so a long run of digits from a client is refused here
// instead of overflowing (std::stoll's out_of_range, a 500).
// Fails: never.
inline std::optional<std::int64_t> whole_number(std::string_view text, std::size_t max_digits = 18) {
  if (max_digits > 18) max_digits = 18;
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  std::int64_t value = 0;
  for (char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A keyset cursor as listings write it: "<at>.<key>", where `at` is a
// whole number (a Unix time, usually) and `key` breaks ties between rows
// with the same `at` (their id).
struct PageCursor {
  std::int64_t at = 0;
  std::string key;
};

inline std::string page_cursor(std::int64_t at, std::string_view key) {
  return std::to_string(at) + "." + std::string(key);
}

// The cursor in `text`, or nullopt when it is not one page_cursor() could
// have written: `at` as whole_number() reads it, one '.', and a key of 1 to
// 64 characters, each one of `key_chars` (for numeric ids "0123456789").
// Answer nullopt with a 422 field error under "cursor".
// Fails: never.
inline std::optional<PageCursor> parse_page_cursor(std::string_view text, std::string_view key_chars) {
  auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto at = whole_number(text.substr(0, dot));
  auto key = text.substr(dot + 1);
  if (!at || key.empty() || key.size() > 64 || key.find_first_not_of(key_chars) != std::string_view::npos)
    return std::nullopt;
  return PageCursor{*at, std::string(key)};
}

// A value that is not a whole number from 1 to `max` adds a field error
// under "limit" to `errors` (answer 422 with them) and returns `fallback`.
// Fails: never.
inline int list_limit(const Request& req, std::vector<std::pair<std::string, std::string>>& errors, int max = 500,
                      int fallback = 50) {
  auto raw = req.query("limit");
  if (!raw) return fallback;
  auto n = whole_number(*raw, 9);
  if (n && *n >= 1 && *n <= max) return static_cast<int>(*n);
  errors.emplace_back("limit", "Give a whole number from 1 to " + std::to_string(max) + ".");
  return fallback;
}

// --- SDK 2.16 ---
// A listing's time range: `?since=` and `?until=` (RFC 3339 UTC, both
// inclusive), as Unix seconds; either may be absent or empty. A value that
// is not such a time adds a field error under its name to `errors`, and an
// `until` before the `since` one under "until". Fails: never.
struct ListTimeRange {
  std::optional<std::int64_t> since, until;
};
inline ListTimeRange list_time_range(const Request& req, std::vector<std::pair<std::string, std::string>>& errors) {
  ListTimeRange range;
  for (const char* bound : {"since", "until"}) {
    auto value = req.query(bound);
    if (!value || value->empty()) continue;
    auto at = parse_utc_time(*value);
    if (!at) errors.emplace_back(bound, "Give a UTC time such as 2026-11-29T12:17:00Z.");
    else (std::string_view(bound) == "since" ? range.since : range.until) = *at;
  }
  if (range.since && range.until && *range.since > *range.until)
    errors.emplace_back("until", "The end of the time range comes before its start.");
  return range;
}

}  // namespace memberd
