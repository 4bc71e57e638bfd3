// TOTP against RFC 6238's own test vectors (Appendix B), and the rules the
// plugin adds: one step of drift either way, each step once.
#include "recovery_codes.hpp"
#include "secret_box.hpp"
#include "totp.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <string>

using namespace memberd::two_step;

TEST_CASE("TOTP matches RFC 6238's test vectors", "[two_step][totp]") {
  const std::string sha1_key = "12345678901234567890";
  const std::string sha256_key = "12345678901234567890123456789012";
  const std::string sha512_key = "1234567890123456789012345678901234567890123456789012345678901234";
  struct Vector {
    std::int64_t time;
    const char *sha1, *sha256, *sha512;
  };
  const Vector vectors[] = {
      {59, "94287082", "46119246", "90693936"},
      {1111111109, "07081804", "68084774", "25091201"},
      {1111111111, "14050471", "67062674", "99943326"},
      {1234567890, "89005924", "91819424", "93441116"},
      {2000000000, "69279037", "90698825", "38618901"},
      {20000000000, "65353130", "77737706", "47863826"},
  };
  for (const auto& v : vectors) {
    INFO("T = " << v.time);
    std::int64_t counter = v.time / 30;
    CHECK(totp_code(sha1_key, counter, 8, TotpHash::sha1) == v.sha1);
    CHECK(totp_code(sha256_key, counter, 8, TotpHash::sha256) == v.sha256);
    CHECK(totp_code(sha512_key, counter, 8, TotpHash::sha512) == v.sha512);
  }
  // What the apps use: the last six digits of the same value.
  CHECK(totp_code(sha1_key, 59 / 30) == "287082");
}

TEST_CASE("a code matches its step and one either side, each step once", "[two_step][totp]") {
  const std::string key = "12345678901234567890";
  const std::int64_t now = 1111111111, step = now / 30;
  auto code = [&](std::int64_t s) { return totp_code(key, s); };
  CHECK(totp_match(key, code(step), now, -1) == step);
  CHECK(totp_match(key, code(step - 1), now, -1) == step - 1);
  CHECK(totp_match(key, code(step + 1), now, -1) == step + 1);
  CHECK_FALSE(totp_match(key, code(step - 2), now, -1));
  CHECK_FALSE(totp_match(key, code(step + 2), now, -1));
  // Used once: that step and the ones before it are spent.
  CHECK_FALSE(totp_match(key, code(step), now, step));
  CHECK_FALSE(totp_match(key, code(step - 1), now, step));
  CHECK(totp_match(key, code(step + 1), now, step) == step + 1);
  // Not six digits, whatever they start with.
  CHECK_FALSE(totp_match(key, code(step).substr(0, 5), now, -1));
  CHECK_FALSE(totp_match(key, code(step) + "0", now, -1));
  CHECK_FALSE(totp_match(key, "", now, -1));
}

TEST_CASE("base32 and the otpauth URI are what apps read", "[two_step][totp]") {
  CHECK(base32("12345678901234567890") == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");  // RFC 4648's alphabet
  CHECK(base32("f") == "MY");
  CHECK(base32("foobar") == "MZXW6YTBOI");
  CHECK(otpauth_uri("12345678901234567890", "Acme Market", "ann@example.com") ==
        "otpauth://totp/Acme%20Market:ann%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        "&issuer=Acme%20Market&algorithm=SHA1&digits=6&period=30");
  CHECK(new_totp_secret().size() == 20);
  CHECK(new_totp_secret() != new_totp_secret());
}

TEST_CASE("sealed secrets open only with their key and member", "[two_step][secret_box]") {
  auto key = parse_key("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
  REQUIRE(key);
  SecretBox box(*key);
  std::string sealed = box.seal("a secret of twenty b", "member-1");
  CHECK(box.seal("a secret of twenty b", "member-1") != sealed);  // a fresh nonce each time
  CHECK(box.open(sealed, "member-1") == "a secret of twenty b");
  CHECK_FALSE(box.open(sealed, "member-2"));  // moved to another member
  auto other_key = *key;
  other_key[0] ^= 1;
  CHECK_FALSE(SecretBox(other_key).open(sealed, "member-1"));
  std::string flipped = sealed;
  flipped[20] = flipped[20] == 'A' ? 'B' : 'A';
  CHECK_FALSE(box.open(flipped, "member-1"));
  CHECK_FALSE(box.open("", "member-1"));
  CHECK_FALSE(box.open("not base64 !", "member-1"));
  CHECK_FALSE(parse_key("00"));
  CHECK_FALSE(parse_key(std::string(64, 'g')));
  CHECK(box.code_hash("abc") == box.code_hash("abc"));
  CHECK(box.code_hash("abc") != SecretBox(other_key).code_hash("abc"));
}

TEST_CASE("recovery codes are ten, distinct, and typed any way", "[two_step][recovery]") {
  auto codes = new_recovery_codes();
  REQUIRE(codes.size() == 10);
  std::set<std::string> distinct(codes.begin(), codes.end());
  CHECK(distinct.size() == 10);
  for (const auto& code : codes) {
    CHECK(code.size() == 11);
    CHECK(code[5] == '-');
    CHECK(normalize_recovery_code(code) == code.substr(0, 5) + code.substr(6));
  }
  CHECK(normalize_recovery_code(" ABCDE fghij ") == "abcdefghij");
  CHECK_FALSE(normalize_recovery_code("abcde-fghi"));   // too short
  CHECK_FALSE(normalize_recovery_code("abcde-fghi1"));  // not in the alphabet
  CHECK_FALSE(normalize_recovery_code(std::string(100, 'a')));
}
