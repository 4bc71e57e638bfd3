#pragma once
// Reading a moment that a client wrote, in the one form memberd writes
// them (Clock::format): RFC 3339 in UTC, "2026-11-29T12:17:00Z", for query
// parameters such as ?since= and ?until=. A date that does not exist
// (2026-02-30, 2026-13-01) or a time past 23:59:60 is refused, not rolled
// over into another moment: answer a 422 field error. Header-only.
// Fails: never.
#include <cstdint>
#include <optional>
#include <string_view>

namespace memberd {

// Days from 1970-01-01 to year-month-day in the proleptic Gregorian
// calendar (H. Hinnant's days_from_civil): no timegm, no time zone.
inline std::int64_t days_since_epoch(std::int64_t year, int month, int day) {
  year -= month <= 2;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const std::int64_t year_of_era = year - era * 400;
  const std::int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const std::int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

// "YYYY-MM-DDTHH:MM:SSZ", optionally with a fraction of a second before the
// Z (".250", dropped), as Unix seconds; nullopt for anything else.
inline std::optional<std::int64_t> parse_utc_time(std::string_view text) {
  auto number = [&](std::size_t at, std::size_t length) -> int {
    int value = 0;
    for (std::size_t i = at; i < at + length; ++i) {
      if (i >= text.size() || text[i] < '0' || text[i] > '9') return -1;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':')
    return std::nullopt;
  const int year = number(0, 4), month = number(5, 2), day = number(8, 2), hour = number(11, 2),
            minute = number(14, 2), second = number(17, 2);
  std::size_t end = 19;
  if (text[end] == '.') {
    const std::size_t first = ++end;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    if (end == first) return std::nullopt;
  }
  if (end + 1 != text.size() || text[end] != 'Z') return std::nullopt;
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 60)
    return std::nullopt;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day > kDays[month - 1] + (month == 2 && leap)) return std::nullopt;
  return days_since_epoch(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

}  // namespace memberd
