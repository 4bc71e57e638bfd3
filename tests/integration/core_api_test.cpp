// The transport and the core's own routes: health, problem+json for every
// refusal, request ids, limits, metrics.
#include "support/daemon_process.hpp"

#include <catch2/catch.hpp>

using memberd::test::DaemonProcess;
using memberd::test::DaemonOptions;
using nlohmann::json;

namespace {
void require_problem(const httplib::Result& res, int status) {
  REQUIRE(res);
  INFO(res->body);
  CHECK(res->status == status);
  CHECK(res->get_header_value("Content-Type") == "application/problem+json");
  auto body = json::parse(res->body);
  CHECK(body["status"] == status);
  CHECK(body["title"].is_string());
  CHECK(body["type"].get<std::string>().rfind("urn:memberd:problem:", 0) == 0);
}
}  // namespace

TEST_CASE("health, readiness and problem documents", "[core]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(DaemonOptions{backend});
  auto http = daemon.http();

  auto health = http->Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(DaemonProcess::json(health)["status"] == "ok");
  CHECK(!health->get_header_value("X-Request-Id").empty());

  auto ready = http->Get("/readyz");
  REQUIRE(ready);
  CHECK(ready->status == 200);

  require_problem(http->Get("/nowhere"), 404);
  auto wrong_method = http->Put("/healthz", "", "application/json");
  require_problem(wrong_method, 405);
  CHECK(wrong_method->get_header_value("Allow") == "GET");

  SECTION("a caller's request id is echoed; a bad one is replaced") {
    auto res = http->Get("/healthz", {{"X-Request-Id", "abc-123"}});
    CHECK(res->get_header_value("X-Request-Id") == "abc-123");
    auto bad = http->Get("/healthz", {{"X-Request-Id", "has spaces and <html>"}});
    CHECK(bad->get_header_value("X-Request-Id") != "has spaces and <html>");
  }
}

TEST_CASE("request bodies: size, media type, malformed and hostile JSON", "[core]") {
  DaemonProcess daemon(DaemonOptions{"sqlite", {"http.max_body_bytes=4096"}});
  auto http = daemon.http();
  std::string token = daemon.admin_token();
  httplib::Headers auth{{"Authorization", "Bearer " + token}};

  require_problem(http->Post("/api/v1/admin/members", auth, std::string(10000, 'x'), "application/json"), 413);
  require_problem(http->Post("/api/v1/admin/members", auth, R"({"email":"a@b.co"})", "text/plain"), 415);
  require_problem(http->Post("/api/v1/admin/members", auth, R"({"email": )", "application/json"), 400);
  require_problem(http->Post("/api/v1/admin/members", auth, R"([1,2,3])", "application/json"), 400);
  // Deep nesting would blow the parser's stack: refused before parsing.
  require_problem(http->Post("/api/v1/admin/members", auth, std::string(3000, '[') , "application/json"), 400);
  // Still serving after all that.
  CHECK(http->Get("/healthz")->status == 200);
}

TEST_CASE("headers over http.max_header_bytes get 431", "[core]") {
  DaemonProcess daemon(DaemonOptions{"sqlite", {"http.max_header_bytes=2048"}});
  auto http = daemon.http();
  CHECK(http->Get("/healthz", {{"X-Padding", std::string(1000, 'a')}})->status == 200);
  require_problem(http->Get("/healthz", {{"X-Padding", std::string(3000, 'a')}}), 431);
  // Past cpp-httplib's own line limit the request is refused too, as a problem.
  auto huge = http->Get("/healthz", {{"X-Padding", std::string(10000, 'a')}});
  if (huge) CHECK(huge->status >= 400);
}

TEST_CASE("metrics are for admins and the local operator", "[core]") {
  DaemonProcess daemon;
  auto http = daemon.http();
  http->Get("/healthz");
  require_problem(http->Get("/metrics"), 401);

  auto res = http->Get("/metrics", {{"Authorization", "Bearer " + daemon.admin_token()}});
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("Content-Type").rfind("text/plain; version=0.0.4", 0) == 0);
  CHECK(res->body.find("memberd_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}") != std::string::npos);
  CHECK(res->body.find("memberd_http_request_duration_seconds_bucket") != std::string::npos);
  CHECK(res->body.find("memberd_db_pool_size") != std::string::npos);

  auto local = daemon.unix_socket()->Get("/metrics");
  REQUIRE(local);
  CHECK(local->status == 200);
}

TEST_CASE("the console is served from memory", "[core]") {
  DaemonProcess daemon;
  auto http = daemon.http();
  auto redirect = http->Get("/console");
  REQUIRE(redirect);
  CHECK(redirect->status == 308);
  auto page = http->Get("/console/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(page->get_header_value("Content-Security-Policy").find("default-src 'self'") != std::string::npos);
  CHECK(page->body.find("<html") != std::string::npos);
  CHECK(http->Get("/console/app.js")->status == 200);
  require_problem(http->Get("/console/nothing.js"), 404);
}
