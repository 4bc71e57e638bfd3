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
