#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "transport/route_table.hpp"
#include "util/time_format.hpp"

#include <catch2/catch.hpp>

using namespace memberd;

namespace {
Route route(std::string method, std::string pattern) {
  return Route{std::move(method), std::move(pattern), Access::anyone, Body::none,
               [](const Request&) { return Response{}; }};
}
}  // namespace

TEST_CASE("routes match by method and segments, the most specific first", "[routing]") {
  std::vector<RouteEntry> entries;
  entries.push_back(make_route_entry("core", route("GET", "/api/v1/members/{member_id}/photo")));
  entries.push_back(make_route_entry("core", route("GET", "/api/v1/members/me/photo")));
  entries.push_back(make_route_entry("core", route("PUT", "/api/v1/members/{member_id}/photo")));
  entries.push_back(make_route_entry("core", route("GET", "/console/")));
  RouteTable table(std::move(entries));

  auto m = table.match("GET", "/api/v1/members/abc/photo");
  REQUIRE(m.outcome == RouteTable::Outcome::found);
  CHECK(m.entry->route.pattern == "/api/v1/members/{member_id}/photo");
  CHECK(m.params == PathParams{{"member_id", "abc"}});
  CHECK(table.match("GET", "/api/v1/members/me/photo").entry->route.pattern == "/api/v1/members/me/photo");
  CHECK(table.match("HEAD", "/api/v1/members/abc/photo").outcome == RouteTable::Outcome::found);

  auto wrong = table.match("DELETE", "/api/v1/members/abc/photo");
  CHECK(wrong.outcome == RouteTable::Outcome::method_not_allowed);
  CHECK(wrong.allowed == "GET, PUT");
  CHECK(table.match("GET", "/api/v1/members//photo").outcome == RouteTable::Outcome::no_such_path);
  CHECK(table.match("GET", "/api/v1/members/abc").outcome == RouteTable::Outcome::no_such_path);
  CHECK(table.match("GET", "/console/").outcome == RouteTable::Outcome::found);
  CHECK(table.match("GET", "relative").outcome == RouteTable::Outcome::no_such_path);
}

TEST_CASE("two owners may not claim one route", "[routing]") {
  std::vector<RouteEntry> entries;
  entries.push_back(make_route_entry("photo", route("GET", "/api/v1/x/{a}")));
  entries.push_back(make_route_entry("profile", route("GET", "/api/v1/x/{b}")));
  CHECK_THROWS_WITH(RouteTable(std::move(entries)), Catch::Contains("photo") && Catch::Contains("profile"));
  CHECK_THROWS(make_route_entry("core", route("TRACE", "/x")));
  CHECK_THROWS(make_route_entry("core", route("GET", "no-slash")));
  CHECK_THROWS(make_route_entry("core", route("GET", "/a//b")));
}

TEST_CASE("migration SQL splits into statements", "[storage]") {
  auto statements = split_sql_statements(
      "-- a comment; with a semicolon\n"
      "CREATE TABLE a (x TEXT DEFAULT 'a;b');\n"
      "INSERT INTO a VALUES ('x;\n y');  -- trailing\n"
      "\n"
      "CREATE INDEX i ON a(x);  DROP TABLE b; ALTER TABLE c RENAME TO b\n");
  REQUIRE(statements.size() == 5);
  CHECK(statements[0] == "CREATE TABLE a (x TEXT DEFAULT 'a;b')");
  CHECK(statements[1] == "INSERT INTO a VALUES ('x;\n y')");
  CHECK(statements[2] == "CREATE INDEX i ON a(x)");
  // Several on one line are several (SQLite would run only the first).
  CHECK(statements[3] == "DROP TABLE b");
  CHECK(statements[4] == "ALTER TABLE c RENAME TO b");
}

TEST_CASE("PostgreSQL URLs become libpq keywords", "[storage]") {
  CHECK(postgres_url_to_keywords("postgresql://u:p%40ss@db.example:5433/members?sslmode=require") ==
        "dbname=members host=db.example port=5433 user=u password=p@ss sslmode=require");
  CHECK(postgres_url_to_keywords("postgres://[::1]:5432/m") == "dbname=m host=::1 port=5432");
  CHECK(postgres_url_to_keywords("postgresql://u:it's%20x@h/d") == "dbname=d host=h user=u password='it\\'s x'");
  CHECK_THROWS(postgres_url_to_keywords("postgresql://host/"));
  CHECK_THROWS(postgres_url_to_keywords("mysql://host/db"));
  CHECK_THROWS(postgres_url_to_keywords("postgresql://h/d%zz"));
}

TEST_CASE("RFC 3339 times round-trip", "[util]") {
  auto t = parse_rfc3339("2026-11-29T12:17:00Z");
  REQUIRE(t);
  CHECK(format_rfc3339(*t) == "2026-11-29T12:17:00Z");
  CHECK(to_unix(*t) == 1795954620);
  CHECK(parse_rfc3339("2026-11-29T12:17:00.250Z"));
  CHECK_FALSE(parse_rfc3339("2026-11-29 12:17:00"));
  CHECK_FALSE(parse_rfc3339("2026-13-29T12:17:00Z"));
  CHECK_FALSE(parse_rfc3339("2026-11-29T12:17:00+08:00"));
}
