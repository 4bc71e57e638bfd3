// Problems and failures as a plugin builds them: valid JSON whatever the
// text, extension members without hand-built JSON, one answer per refusal.
// The umbrella header, so that every SDK header is compiled here on its own terms.
#include <memberd/memberd.hpp>
#include <memberd/problem.hpp>
#include <memberd/result.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace memberd;
using nlohmann::json;

namespace {
std::string header(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}
}  // namespace

TEST_CASE("a problem carries fields, extensions and headers as valid JSON", "[problem]") {
  Response r = Problem(403, "wrong_answer", "The answer is wrong")
                   .detail("Check it and try again.")
                   .field("answer", "Type the answer \"exactly\".")
                   .extension("attempts_left", 3)
                   .extension("locked", false)
                   .header("Retry-After", "5");
  CHECK(r.status == 403);
  CHECK(r.content_type == "application/problem+json");
  auto body = json::parse(r.body);
  CHECK(body["type"] == "urn:memberd:problem:wrong_answer");
  CHECK(body["status"] == 403);
  CHECK(body["errors"]["answer"] == "Type the answer \"exactly\".");
  CHECK(body["attempts_left"] == 3);
  CHECK(body["locked"] == false);
  CHECK(header(r, "Retry-After") == "5");
}

TEST_CASE("invalid UTF-8 and controls in a problem still give valid JSON", "[problem]") {
  Response r = Problem(422, "validation", "Bad \xff input\n").detail(std::string("nul\0here", 8)).extension("echo", "\xc0\xaf");
  auto body = json::parse(r.body);  // throws if the document were invalid
  CHECK(body["title"] == "Bad \xEF\xBF\xBD input\n");
  CHECK(body["detail"] == std::string("nul\0here", 8));
  CHECK(body["echo"] == "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("an extension may not overwrite the problem's own members", "[problem]") {
  CHECK_THROWS_AS(Problem(400, "x", "y").extension("status", 200), std::logic_error);
  CHECK_THROWS_AS(Problem(400, "x", "y").extension("errors", "none"), std::logic_error);
}

TEST_CASE("each refusal has one answer", "[problem]") {
  auto answer = [](Failure f) { return refusal_problem(f); };
  auto busy_answer = answer(busy(std::chrono::seconds{3}));
  CHECK(busy_answer.status == 503);
  CHECK(header(busy_answer, "Retry-After") == "3");
  CHECK(json::parse(busy_answer.body)["type"] == "urn:memberd:problem:busy");
  auto locked = answer({Refusal::locked, std::chrono::seconds{60}});
  CHECK(locked.status == 429);
  CHECK(header(locked, "Retry-After") == "60");
  CHECK(json::parse(locked.body)["attempts_left"] == 0);
  auto limited = answer({Refusal::rate_limited});
  CHECK(limited.status == 429);
  CHECK(header(limited, "Retry-After") == "1");
  CHECK(answer({Refusal::taken}).status == 409);
  CHECK(answer({Refusal::not_found}).status == 404);
  CHECK(answer({Refusal::gone}).status == 410);
  CHECK(answer({Refusal::conflict}).status == 409);
  auto internal = answer({Refusal::internal, {}, "SELECT * FROM secrets"});
  CHECK(internal.status == 500);
  // An internal failure never echoes its detail to the client.
  CHECK(internal.body.find("SELECT") == std::string::npos);
  CHECK(json::parse(answer({Refusal::taken, {}, "This address is registered."}).body)["detail"] ==
        "This address is registered.");
}

TEST_CASE("an unavailable dependency is 503 `unavailable` with Retry-After (SDK 2.8)", "[problem]") {
  auto down = refusal_problem(unavailable());
  CHECK(down.status == 503);
  CHECK(down.content_type == "application/problem+json");
  CHECK(header(down, "Retry-After") == "5");
  auto body = json::parse(down.body);
  CHECK(body["type"] == "urn:memberd:problem:unavailable");
  CHECK(body["status"] == 503);
  CHECK_FALSE(body["detail"].get<std::string>().empty());
  auto told = refusal_problem(unavailable(std::chrono::seconds{30}, "Changes cannot be saved right now."));
  CHECK(header(told, "Retry-After") == "30");
  CHECK(json::parse(told.body)["detail"] == "Changes cannot be saved right now.");
  // Appended at the end of the enum: 2.0-2.7 plugins keep every value they know.
  CHECK(static_cast<int>(Refusal::unavailable) == static_cast<int>(Refusal::internal) + 1);
}

TEST_CASE("a Result holds a value or a failure, and says which", "[result]") {
  Result<int> good = 7;
  REQUIRE(good);
  CHECK(*good == 7);
  CHECK_THROWS_AS(good.failure(), std::logic_error);
  Result<int> bad = Failure{Refusal::busy};
  REQUIRE_FALSE(bad);
  CHECK(bad.failure().refusal == Refusal::busy);
  CHECK_THROWS_AS(bad.value(), std::logic_error);
  Result<void> done;
  CHECK(done.ok());
  Result<void> refused = Failure{Refusal::gone};
  CHECK_FALSE(refused.ok());
  CHECK(refused.failure().refusal == Refusal::gone);
}
