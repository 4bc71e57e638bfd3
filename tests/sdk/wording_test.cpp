// memberd/wording.hpp: a time and a wait in mail read as the pages write
// them (the web kit's dualTime GMT part and waitText).
#include <memberd/wording.hpp>

#include <catch2/catch.hpp>

using memberd::time_for_people;
using memberd::wait_for_people;
using namespace std::chrono_literals;

TEST_CASE("a time reads as the pages' GMT part", "[sdk][wording]") {
  CHECK(time_for_people(std::int64_t{0}) == "1970-01-01 00:00 GMT");
  CHECK(time_for_people(std::int64_t{1796638740}) == "2026-12-07 10:19 GMT");
  CHECK(time_for_people(std::int64_t{951782400}) == "2000-02-29 00:00 GMT");  // a leap day
  CHECK(time_for_people(std::int64_t{-1}) == "1969-12-31 23:59 GMT");
  // An RFC 3339 UTC stamp as memberd writes them, never shown as it is.
  CHECK(time_for_people("2026-12-07T10:19:59Z") == "2026-12-07 10:19 GMT");
  CHECK(time_for_people("2026-12-07T10:19:00.250Z") == "2026-12-07 10:19 GMT");
  // Anything else comes back as it was.
  CHECK(time_for_people("your last submission") == "your last submission");
  CHECK(time_for_people("2026-02-30T00:00:00Z") == "2026-02-30T00:00:00Z");
}

TEST_CASE("a wait reads in whole units, rounded up, never \"1 minutes\"", "[sdk][wording]") {
  CHECK(wait_for_people(0s) == "0 seconds");
  CHECK(wait_for_people(-5s) == "0 seconds");
  CHECK(wait_for_people(1s) == "1 second");
  CHECK(wait_for_people(45s) == "45 seconds");
  CHECK(wait_for_people(60s) == "1 minute");
  CHECK(wait_for_people(61s) == "2 minutes");
  CHECK(wait_for_people(15min) == "15 minutes");
  CHECK(wait_for_people(89min) == "89 minutes");
  CHECK(wait_for_people(90min) == "2 hours");
  CHECK(wait_for_people(24h) == "24 hours");
}
