#include "auth/email_identity.hpp"

#include <catch2/catch.hpp>

using memberd::canonical_email;

TEST_CASE("ASCII addresses are trimmed and lower-cased", "[email]") {
  CHECK(canonical_email("  Ann.Smith@Example.COM \t") == "ann.smith@example.com");
  CHECK(canonical_email("bob+shop@example.org") == "bob+shop@example.org");
}

TEST_CASE("non-ASCII letters compare without case in both parts", "[email]") {
  // "ÜNÏ@EXÄMPLE.com" and "ünï@exämple.com"
  CHECK(canonical_email("\xC3\x9CN\xC3\x8F@EX\xC3\x84MPLE.com") == "\xC3\xBCn\xC3\xAF@ex\xC3\xA4mple.com");
  CHECK(canonical_email("\xC3\xBCn\xC3\xAF@ex\xC3\xA4mple.com") == "\xC3\xBCn\xC3\xAF@ex\xC3\xA4mple.com");
}

TEST_CASE("composed and decomposed letters are one address", "[email]") {
  // "ü" as one code point, and as "u" + U+0308
  CHECK(canonical_email("j\xC3\xBCrgen@example.de") == canonical_email("ju\xCC\x88rgen@example.de"));
  CHECK(canonical_email("x@ex\xC3\xA4mple.com") == canonical_email("x@exa\xCC\x88mple.com"));
}

TEST_CASE("a domain's ACE form is its Unicode form", "[email]") {
  CHECK(canonical_email("x@xn--exmple-cua.com") == "x@ex\xC3\xA4mple.com");
  CHECK(canonical_email("x@XN--EXMPLE-CUA.COM") == "x@ex\xC3\xA4mple.com");
}

TEST_CASE("what IDNA refuses is kept, lower-cased, for validation to judge", "[email]") {
  CHECK(canonical_email("x@-bad-.\xC3\x84") == "x@-bad-.\xC3\xA4");
  CHECK(canonical_email("no-at-sign") == "no-at-sign");
  // Ill-formed UTF-8 passes through unchanged rather than being repaired.
  CHECK(canonical_email("x\xFF@example.com") == "x\xFF@example.com");
}

// Found by tests/fuzz/email_fuzz.cpp: IDNA without the STD3 rules maps
// characters to ASCII that no host name holds, so a domain could gain an
// "@" (from U+FF20 FULLWIDTH COMMERCIAL AT) or a trailing space (U+3000):
// the canonical form then split elsewhere, or trimmed, the next time, and a
// stored address did not find itself.
TEST_CASE("the canonical form is its own canonical form", "[email]") {
  for (const char* email : {"x@a\xEF\xBC\xA0xn--exmple-cua.com", "x@example.com\xE3\x80\x80",
                            "x@ex\xC3\xA4mple\xEF\xBC\x8F" "com", "ann@\xEF\xBD\x85xample.com"}) {
    const std::string once = canonical_email(email);
    CHECK(canonical_email(once) == once);
  }
  // A fullwidth "@" in the domain stays what it is: never a second "@".
  CHECK(canonical_email("x@a\xEF\xBC\xA0" "b.com") == "x@a\xEF\xBC\xA0" "b.com");
  // What STD3 still maps, fullwidth letters among them, is mapped as before.
  CHECK(canonical_email("ann@\xEF\xBD\x85xample.com") == "ann@example.com");
}
