// The unsubscribe token's shape (plugins/email_service/unsubscribe_token.cpp)
// on its own, without a daemon: what check_unsubscribe_token() reads before
// it looks a key up.
#include "unsubscribe_token.hpp"

#include <catch2/catch.hpp>

using namespace memberd::email_service;

namespace {

const std::string kMac = "0123456789abcdef0123456789abcdef";

}  // namespace

TEST_CASE("a token of the right shape reads back as the parts it was made of", "[email_service][unsubscribe]") {
  UnsubscribeTokenParts parts{42, "0b6f2a4e-9d1c-4f7a-8e3b-2c5d6a7b8c9d", "newsletter", kMac};
  const auto read = parse_unsubscribe_token(unsubscribe_token_text(parts));
  REQUIRE(read);
  CHECK(read->version == 42);
  CHECK(read->member_id == parts.member_id);
  CHECK(read->category_id == "newsletter");
  CHECK(read->mac == kMac);
  CHECK(unsubscribe_signed_text(42, parts.member_id, "newsletter") ==
        "memberd-unsubscribe\n42\n0b6f2a4e-9d1c-4f7a-8e3b-2c5d6a7b8c9d\nnewsletter");
}

TEST_CASE("tokens of another shape are refused before any lookup", "[email_service][unsubscribe]") {
  CHECK_FALSE(parse_unsubscribe_token("1.a.b." + kMac + ".x"));
  CHECK_FALSE(parse_unsubscribe_token("1.a.b." + kMac.substr(1)));
  CHECK_FALSE(parse_unsubscribe_token("1.a.b.0123456789ABCDEF0123456789ABCDEF"));
  CHECK_FALSE(parse_unsubscribe_token("1234567890.a.b." + kMac));
  CHECK_FALSE(parse_unsubscribe_token("1.a.B." + kMac));
  CHECK_FALSE(parse_unsubscribe_token(".a.b." + kMac));
  CHECK_FALSE(parse_unsubscribe_token("1..b." + kMac));
}

// Found by tests/fuzz/unsubscribe_token_fuzz.cpp: the key version was read
// with stoll, so "07.<member>.<category>.<mac>" verified like "7...": a
// second spelling of every link, one the signer never made.
TEST_CASE("a key version with a leading zero is not a version", "[email_service][unsubscribe]") {
  CHECK_FALSE(parse_unsubscribe_token("07.a.b." + kMac));
  CHECK_FALSE(parse_unsubscribe_token("0.a.b." + kMac));  // versions start at 1
  CHECK(parse_unsubscribe_token("70.a.b." + kMac));
}

// Issue 27: one spelling per version, as the signer writes it; a number
// that reads the same in another form ("+1", " 1", fullwidth or Arabic-Indic
// digits, 1e0) is no version.
TEST_CASE("a key version is only the signer's spelling of the number", "[email_service][unsubscribe]") {
  for (const char* version : {"+1", "-1", " 1", "1 ", "01", "001", "0x1", "1e0", "1.0", "\uFF11", "\u0661"}) {
    INFO(version);
    CHECK_FALSE(parse_unsubscribe_token(std::string(version) + ".a.b." + kMac));
  }
  auto read = parse_unsubscribe_token("123456789.a.b." + kMac);  // the longest: nine digits
  REQUIRE(read);
  CHECK(read->version == 123456789);
  CHECK(unsubscribe_token_text(*read) == "123456789.a.b." + kMac);
}
