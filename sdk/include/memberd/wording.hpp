#pragma once
// Times and waits in a member's words, the way memberd's pages show them
// (the web kit's dualTime and waitText), for mail and for problem details:
// one way to write a time everywhere. SDK 2.11; header-only, usable with
// any 2.x host. Fails: never.
//
//   time_for_people(1796638740)          -> "2026-12-07 10:19 GMT"
//   time_for_people("2026-12-07T10:19:00Z") -> the same; the text as it came
//                                            when it is not RFC 3339 UTC
//   wait_for_people(std::chrono::seconds(60))   -> "1 minute"
//   wait_for_people(std::chrono::minutes(90))   -> "2 hours" (rounded up: a
//                                            member who comes back at the
//                                            time said finds the lock gone)
#include <memberd/utc_time.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace memberd {

// Unix seconds as "YYYY-MM-DD HH:MM GMT".
inline std::string time_for_people(std::int64_t unix_seconds) {
  // H. Hinnant's civil_from_days, the inverse of days_since_epoch.
  const std::int64_t days = (unix_seconds >= 0 ? unix_seconds : unix_seconds - 86399) / 86400;
  const std::int64_t in_day = unix_seconds - days * 86400;
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t day_of_era = z - era * 146097;
  const std::int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t mp = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const std::int64_t year = year_of_era + era * 400 + (month <= 2);
  char text[40];
  std::snprintf(text, sizeof text, "%04lld-%02d-%02d %02d:%02d GMT", static_cast<long long>(year), month, day,
                static_cast<int>(in_day / 3600), static_cast<int>(in_day % 3600 / 60));
  return text;
}

// An RFC 3339 UTC time as memberd writes them ("2026-12-07T10:19:00Z") the
// same way; any other text as it came.
inline std::string time_for_people(std::string_view rfc3339) {
  auto seconds = parse_utc_time(rfc3339);
  return seconds ? time_for_people(*seconds) : std::string(rfc3339);
}

// A wait in words: "45 seconds", "1 minute", "15 minutes", "2 hours",
// rounded up to the unit shown; "0 seconds" for none.
inline std::string wait_for_people(std::chrono::seconds wait) {
  const std::int64_t seconds = wait.count() > 0 ? wait.count() : 0;
  auto count = [](std::int64_t n, const char* unit) {
    return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
  };
  if (seconds < 60) return count(seconds, "second");
  const std::int64_t minutes = (seconds + 59) / 60;
  if (minutes < 90) return count(minutes, "minute");
  return count((minutes + 59) / 60, "hour");
}

}  // namespace memberd
