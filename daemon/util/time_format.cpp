#include "util/time_format.hpp"

#include <memberd/utc_time.hpp>

#include <cstdio>
#include <ctime>

namespace memberd {

std::string format_rfc3339(TimePoint t) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

std::optional<TimePoint> parse_rfc3339(std::string_view text) {
  auto seconds = parse_utc_time(text);
  if (!seconds) return std::nullopt;
  return from_unix(*seconds);
}

std::int64_t to_unix(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

TimePoint from_unix(std::int64_t seconds) {
  return TimePoint{std::chrono::seconds{seconds}};
}

}  // namespace memberd
