#include "transport/url_decode.hpp"

#include <catch2/catch.hpp>

using memberd::percent_decode;
using memberd::query_parameter;

TEST_CASE("percent-decoding paths and queries", "[transport][url]") {
  CHECK(percent_decode("/a%20b/%41", false) == "/a b/A");
  CHECK(percent_decode("a+b", false) == "a+b");
  CHECK(percent_decode("a+b", true) == "a b");
  CHECK(percent_decode("%4", false) == "%4");
  CHECK(percent_decode("%zz%", false) == "%zz%");
  CHECK(percent_decode("%e2%82%ac", false) == "\xE2\x82\xAC");
}

TEST_CASE("query parameters", "[transport][url]") {
  CHECK(query_parameter("q=ann%40example.com&limit=2", "q") == std::optional<std::string>("ann@example.com"));
  CHECK(query_parameter("q=a&limit=2", "limit") == std::optional<std::string>("2"));
  CHECK(query_parameter("flag&x=1", "flag") == std::optional<std::string>(""));
  CHECK(query_parameter("x=1", "q") == std::nullopt);
  CHECK(query_parameter("", "q") == std::nullopt);
  CHECK(query_parameter("q=1&q=2", "q") == std::optional<std::string>("1"));
  CHECK(query_parameter("a+b=c+d", "a b") == std::optional<std::string>("c d"));
}

// Issue 27: "/api/v1/%61dmin" and "/api%2Fv1/admin" slipped past a proxy's
// path rules and were routed as the paths the rules were about.
TEST_CASE("a path may escape only what has no plain form there", "[transport][security]") {
  using memberd::path_problem;
  for (const char* path : {"/api/v1/%61dmin", "/api%2Fv1/admin", "/api%2fv1", "/%2e%2e/healthz", "/a%2D", "/a%5F",
                           "/a%7e", "/a%30", "/a%", "/a%4", "/a%zz", "/a%%41", "/a%00b", "/a%0A", "/a%0d", "/a%1F",
                           "/a%7F"}) {
    INFO(path);
    CHECK(path_problem(path));
  }
  for (const char* path : {"/", "/api/v1/members/a%40b", "/a%20b", "/a%2B", "/a%25", "/a%C3%A9"}) {
    INFO(path);
    CHECK_FALSE(path_problem(path));
  }
}
