#include "util/crypto.hpp"

#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <string>

using memberd::constant_time_equal;
using memberd::new_uuid;
using memberd::random_token;
using memberd::sha256_hex;

TEST_CASE("random_token is base64url without padding, of the right length") {
  const std::regex base64url("^[A-Za-z0-9_-]*$");
  CHECK(random_token().size() == 43);  // 32 bytes -> ceil(256 / 6)
  CHECK(random_token(1).size() == 2);
  CHECK(random_token(2).size() == 3);
  CHECK(random_token(3).size() == 4);
  CHECK(random_token(16).size() == 22);
  CHECK(random_token(0).empty());
  for (int i = 0; i < 50; ++i) {
    const std::string t = random_token(i % 7 + 30);
    CHECK(std::regex_match(t, base64url));
    CHECK(t.find('=') == std::string::npos);
  }
}

TEST_CASE("random_token does not repeat") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(random_token());
  CHECK(seen.size() == 1000);
}

TEST_CASE("sha256_hex matches known vectors") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string with_nul("a\0b", 3);
  CHECK(sha256_hex(with_nul) != sha256_hex("ab"));
  CHECK(sha256_hex(with_nul).size() == 64);
}

TEST_CASE("constant_time_equal") {
  CHECK(constant_time_equal("", ""));
  CHECK(constant_time_equal("secret", "secret"));
  CHECK_FALSE(constant_time_equal("secret", "secreT"));
  CHECK_FALSE(constant_time_equal("secret", "secret!"));
  CHECK_FALSE(constant_time_equal("", "x"));
  CHECK_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
  CHECK(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
}

TEST_CASE("new_uuid is a canonical lowercase v4 UUID") {
  const std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string u = new_uuid();
    CHECK(std::regex_match(u, v4));
    seen.insert(u);
  }
  CHECK(seen.size() == 200);
}
