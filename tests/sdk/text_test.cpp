#include <memberd/text.hpp>

#include <catch2/catch.hpp>

using memberd::valid_utf8;

TEST_CASE("client text becomes valid UTF-8 within a byte limit", "[util]") {
  CHECK(valid_utf8("Mozilla/5.0", 100) == "Mozilla/5.0");
  CHECK(valid_utf8("Grüße", 100) == "Grüße");
  CHECK(valid_utf8("a\xff" "b", 100) == "a\xEF\xBF\xBD" "b");
  CHECK(valid_utf8("\xC0\xAF", 100) == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  CHECK(valid_utf8("\xED\xA0\x80", 100) == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  // Never cut inside a character.
  CHECK(valid_utf8("aü", 2) == "a");
  CHECK(valid_utf8("aü", 3) == "aü");
  CHECK(valid_utf8("", 5).empty());
}

