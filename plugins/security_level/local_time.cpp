#include "local_time.hpp"

#include <memberd/utc_time.hpp>

#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>

namespace memberd::security_level {

namespace {

std::tm utc_parts(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm parts{};
  gmtime_r(&t, &parts);
  return parts;
}

}  // namespace

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

std::optional<std::int64_t> parse_rfc3339_utc(const std::string& text) { return parse_utc_time(text); }

}  // namespace memberd::security_level
