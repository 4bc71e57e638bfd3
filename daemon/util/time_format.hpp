#pragma once
// RFC 3339 timestamps, the API's only time format ("2026-11-29T12:17:00Z").
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace memberd {

using TimePoint = std::chrono::system_clock::time_point;

std::string format_rfc3339(TimePoint t);
// Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z"; nullopt for anything else.
std::optional<TimePoint> parse_rfc3339(std::string_view text);
// Seconds since the epoch, the form times take in the database (portable
// across SQLite and PostgreSQL, and cheap to compare).
std::int64_t to_unix(TimePoint t);
TimePoint from_unix(std::int64_t seconds);

}  // namespace memberd
