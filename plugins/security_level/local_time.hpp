#pragma once
// A moment as a member reads it: GMT (memberd/wording.hpp's
// time_for_people), and the wall clock of a time zone.
#include <cstdint>
#include <optional>
#include <string>

namespace memberd::security_level {

// "20:17 Asia/Shanghai, GMT+8" (or "GMT+5:30", "GMT-3"), by ICU's zone data;
// nullopt for a zone ICU does not know.
std::optional<std::string> local_text(std::int64_t unix_seconds, const std::string& iana_zone);

// "2026-11-29T12:17:00Z" (what the host writes in events) as Unix seconds;
// nullopt for anything else, a date that does not exist (2026-02-30)
// included (memberd/utc_time.hpp's parse_utc_time).
std::optional<std::int64_t> parse_rfc3339_utc(const std::string& text);

}  // namespace memberd::security_level
