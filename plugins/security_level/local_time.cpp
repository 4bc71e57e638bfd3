#include "local_time.hpp"

#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string_view>

namespace memberd::security_level {

namespace {

std::tm utc_parts(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm parts{};
  gmtime_r(&t, &parts);
  return parts;
}

}  // namespace

std::string gmt_text(std::int64_t unix_seconds) {
  std::tm p = utc_parts(unix_seconds);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d GMT", p.tm_year + 1900, p.tm_mon + 1, p.tm_mday, p.tm_hour,
                p.tm_min);
  return buf;
}

std::optional<std::string> local_text(std::int64_t unix_seconds, const std::string& iana_zone) {
  if (iana_zone.empty()) return std::nullopt;
  std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(iana_zone)));
  icu::UnicodeString id;
  zone->getID(id);
  if (id == UNICODE_STRING_SIMPLE("Etc/Unknown")) return std::nullopt;  // what ICU gives for a name it lacks
  std::int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  zone->getOffset(static_cast<UDate>(unix_seconds) * 1000.0, false, raw, dst, status);
  if (U_FAILURE(status)) return std::nullopt;
  int offset_minutes = (raw + dst) / 60000;
  std::tm p = utc_parts(unix_seconds + offset_minutes * 60);
  char clock[16], offset[24];
  std::snprintf(clock, sizeof clock, "%02d:%02d", p.tm_hour, p.tm_min);
  int hours = std::abs(offset_minutes) / 60, minutes = std::abs(offset_minutes) % 60;
  if (offset_minutes == 0)
    std::snprintf(offset, sizeof offset, "GMT");
  else if (minutes == 0)
    std::snprintf(offset, sizeof offset, "GMT%c%d", offset_minutes < 0 ? '-' : '+', hours);
  else
    std::snprintf(offset, sizeof offset, "GMT%c%d:%02d", offset_minutes < 0 ? '-' : '+', hours, minutes);
  return std::string(clock) + " " + iana_zone + ", " + offset;
}

std::optional<std::int64_t> parse_rfc3339_utc(const std::string& text) {
  // Exactly "YYYY-MM-DDTHH:MM:SSZ", digits where digits go: sscanf's %d
  // took signs and spaces ("2026-+2-01"), and timegm() carried a day past
  // the month's end into the next (2026-02-30 read as 2026-03-02; issue 27).
  static constexpr std::string_view shape = "dddd-dd-ddTdd:dd:ddZ";
  if (text.size() != shape.size()) return std::nullopt;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    bool digit = text[i] >= '0' && text[i] <= '9';
    if (shape[i] == 'd' ? !digit : text[i] != shape[i]) return std::nullopt;
  }
  auto number = [&](std::size_t at, std::size_t digits) {
    int value = 0;
    for (std::size_t i = at; i < at + digits; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  int y = number(0, 4), mo = number(5, 2), d = number(8, 2), h = number(11, 2), mi = number(14, 2), s = number(17, 2);
  static constexpr int days_in[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo < 1 || mo > 12 || d < 1 || d > days_in[mo - 1] + (mo == 2 && leap ? 1 : 0) || h > 23 || mi > 59 || s > 59)
    return std::nullopt;
  std::tm parts{};
  parts.tm_year = y - 1900;
  parts.tm_mon = mo - 1;
  parts.tm_mday = d;
  parts.tm_hour = h;
  parts.tm_min = mi;
  parts.tm_sec = s;
  return static_cast<std::int64_t>(timegm(&parts));
}

}  // namespace memberd::security_level
