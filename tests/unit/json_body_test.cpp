// The body phase of `Body::json` routes (daemon/transport/json_body.cpp).
#include "transport/json_body.hpp"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

using memberd::parse_json_body;

namespace {

std::optional<memberd::Response> parse(const std::string& body, nlohmann::json& parsed) {
  return parse_json_body("POST", std::string("application/json"), body, 64, parsed);
}

}  // namespace

// Issue 27: {"role":"member","role":"admin"} was read as its last value,
// while a proxy or WAF in front may read the first: one body, two meanings.
TEST_CASE("a key twice in one object is refused with 400 naming it", "[transport][security]") {
  nlohmann::json parsed;
  for (const char* body : {R"({"email":"a@example.com","email":"b@example.com"})",
                           R"({"outer":{"x":1,"y":2,"x":3}})", R"({"list":[{"k":1,"k":2}]})",
                           R"({"a\u0062":1,"ab":2})"}) {
    INFO(body);
    auto refusal = parse(body, parsed);
    REQUIRE(refusal);
    CHECK(refusal->status == 400);
    CHECK(refusal->content_type.rfind("application/problem+json", 0) == 0);
    auto problem = nlohmann::json::parse(refusal->body);
    CHECK(problem["detail"].get<std::string>().find("appears twice") != std::string::npos);
  }
  auto refusal = parse(R"({"email":"a@example.com","email":"b@example.com"})", parsed);
  CHECK(nlohmann::json::parse(refusal->body)["detail"].get<std::string>().find("\"email\"") != std::string::npos);

  // The same key in different objects, or at different depths, is fine.
  CHECK_FALSE(parse(R"({"a":{"k":1},"b":{"k":2},"k":{"k":3}})", parsed));
  CHECK(parsed["k"]["k"] == 3);
  CHECK_FALSE(parse(R"({"items":[{"id":1},{"id":2}]})", parsed));
  CHECK(parsed["items"].size() == 2);
}
