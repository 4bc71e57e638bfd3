// The SDK's readings of what clients put in listing queries: numbers,
// cursors (memberd/list_query.hpp) and times (memberd/utc_time.hpp).
// Issue 27, L5: a 20-digit cursor number was a 500, and 2026-02-30 was
// read as 2026-03-02.
#include <memberd/list_query.hpp>
#include <memberd/utc_time.hpp>

#include <catch2/catch.hpp>

using memberd::parse_page_cursor;
using memberd::parse_utc_time;
using memberd::whole_number;

TEST_CASE("whole numbers are digits only and never overflow", "[sdk]") {
  CHECK(whole_number("0") == 0);
  CHECK(whole_number("000042") == 42);
  CHECK(whole_number("999999999999999999") == 999999999999999999LL);
  CHECK_FALSE(whole_number("9999999999999999999"));   // 19 digits: refused, not out_of_range
  CHECK_FALSE(whole_number("99999999999999999999"));
  CHECK_FALSE(whole_number(""));
  CHECK_FALSE(whole_number("-1"));
  CHECK_FALSE(whole_number("+1"));
  CHECK_FALSE(whole_number(" 1"));
  CHECK_FALSE(whole_number("1x"));
  CHECK(whole_number("123", 3) == 123);
  CHECK_FALSE(whole_number("1234", 3));
}

TEST_CASE("a page cursor is read back exactly as it was written, and nothing else is", "[sdk]") {
  auto cursor = parse_page_cursor(memberd::page_cursor(1795954620, "42"), "0123456789");
  REQUIRE(cursor);
  CHECK(cursor->at == 1795954620);
  CHECK(cursor->key == "42");
  CHECK(parse_page_cursor("5.0a1b-c2", "0123456789abcdef-")->key == "0a1b-c2");
  for (const char* bad : {"99999999999999999999.1", "1", "1.", ".1", "1.2.3", "-1.2", "1.x", "", "."}) {
    INFO(bad);
    CHECK_FALSE(parse_page_cursor(bad, "0123456789"));
  }
  CHECK_FALSE(parse_page_cursor("1." + std::string(65, '1'), "0123456789"));
}

TEST_CASE("UTC times are read only when the moment exists", "[sdk]") {
  CHECK(parse_utc_time("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_utc_time("2026-11-29T12:17:00Z") == 1795954620);
  CHECK(parse_utc_time("2026-11-29T12:17:00.250Z") == 1795954620);
  CHECK(parse_utc_time("2024-02-29T00:00:00Z") == 1709164800);
  CHECK(parse_utc_time("2000-02-29T00:00:00Z"));
  CHECK(parse_utc_time("1969-12-31T23:59:59Z") == -1);
  for (const char* bad : {"2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
                          "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
                          "2026-01-00T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z",
                          "2026-01-01T00:00:61Z", "+026-01-01T00:00:00Z", "2026-1-01T00:00:00Z",
                          "2026-01-01 00:00:00Z", "2026-01-01T00:00:00", "2026-01-01T00:00:00+01:00",
                          "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00Zx", "yesterday", ""}) {
    INFO(bad);
    CHECK_FALSE(parse_utc_time(bad));
  }
}
