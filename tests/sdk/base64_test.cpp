#include <memberd/base64.hpp>

#include <catch2/catch.hpp>

using memberd::Base64;
using memberd::base64_decode;
using memberd::base64_encode;

TEST_CASE("base64 per RFC 4648, in the forms the daemon uses", "[util]") {
  // RFC 4648 section 10 vectors, padded.
  CHECK(base64_encode("", Base64::standard, true).empty());
  CHECK(base64_encode("f", Base64::standard, true) == "Zg==");
  CHECK(base64_encode("fo", Base64::standard, true) == "Zm8=");
  CHECK(base64_encode("foobar", Base64::standard, true) == "Zm9vYmFy");
  // PHC strings: no padding.
  CHECK(base64_encode("fo") == "Zm8");
  // Links: URL-safe characters.
  CHECK(base64_encode("\xfb\xff", Base64::url) == "-_8");
  CHECK(base64_encode("\xfb\xff") == "+/8");
  for (std::string text : {"", "a", "ab", "abc", "memberd \x00\xff bytes"}) {
    CHECK(base64_decode(base64_encode(text)) == text);
    CHECK(base64_decode(base64_encode(text, Base64::url, true)) == text);
  }
  CHECK_FALSE(base64_decode("Zm9v!"));
}
