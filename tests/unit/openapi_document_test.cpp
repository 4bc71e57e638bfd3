// The HTTP contract's pieces: a plugin's fragment read and checked against
// its routes (plugin_host/api_description), and the merge that serves it
// (api/openapi_document). tests/integration/openapi_test.cpp runs them in a
// daemon.
#include "api/openapi_document.hpp"
#include "config/yaml_json.hpp"
#include "plugin_host/api_description.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace memberd;
using json = nlohmann::json;

namespace {

Route route(std::string method, std::string pattern) {
  return {std::move(method), std::move(pattern), Access::member, Body::none, [](const Request&) { return Response{}; }};
}

ApiDescription described(std::string_view plugin, std::string_view yaml) {
  ApiDescription api;
  api.add(plugin, {"openapi.yaml", yaml});
  return api;
}

constexpr std::string_view kGreetings = R"(
paths:
  /api/v1/hello/greetings:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/HelloGreetings'}
components:
  schemas:
    HelloGreetings: {type: object}
)";

}  // namespace

TEST_CASE("the core's document is YAML the daemon reads, and describes what the contract needs", "[contract]") {
  std::ifstream file(std::string(MEMBERD_SOURCE_DIR) + "/daemon/api/openapi.yaml");
  std::stringstream text;
  text << file.rdbuf();
  const json doc = yaml_text_to_json("openapi.yaml", text.str());
  CHECK(doc["openapi"] == "3.1.0");
  for (const char* schema : {"Problem", "Time", "NextCursor"}) CHECK(doc["components"]["schemas"].contains(schema));
  CHECK(doc["components"]["responses"].contains("Problem"));
  CHECK(doc["components"]["pathItems"].contains("PluginWebFile"));
  CHECK(doc["paths"].contains("/api/v1/openapi.json"));
  // What plugins may refer to.
  const auto names = component_names(doc);
  for (const char* name : {"schemas/Problem", "schemas/Time", "schemas/NextCursor", "responses/Problem",
                           "responses/NoContent", "parameters/Limit", "parameters/Cursor"})
    CHECK(names.count(name) == 1);
}

TEST_CASE("a component's prefix is the plugin's name in PascalCase", "[contract]") {
  CHECK(component_prefix("photo") == "Photo");
  CHECK(component_prefix("security_level") == "SecurityLevel");
  CHECK(component_prefix("email_service") == "EmailService");
}

TEST_CASE("a fragment that keeps the rules passes its check", "[contract]") {
  auto api = described("hello", kGreetings);
  CHECK_NOTHROW(api.check("hello", {route("GET", "/api/v1/hello/greetings")}));
  CHECK(api.paths.contains("/api/v1/hello/greetings"));
  CHECK(api.components["schemas"].contains("HelloGreetings"));
}

TEST_CASE("a fragment that breaks a rule is refused, naming what broke it", "[contract]") {
  SECTION("not YAML") {
    CHECK_THROWS_WITH(described("hello", "paths: {a: [}"), Catch::Contains("hello's openapi.yaml"));
  }
  SECTION("an alias (a billion laughs) or a second document") {
    CHECK_THROWS_WITH(described("hello", "a: &x [1]\nb: *x\n"), Catch::Contains("hello's openapi.yaml"));
    CHECK_THROWS_WITH(described("hello", "paths: {}\n---\ncomponents: {}\n"), Catch::Contains("hello's openapi.yaml"));
  }
  SECTION("the core document's keys") {
    CHECK_THROWS_WITH(described("hello", "openapi: 3.1.0\npaths: {}\n"), Catch::Contains("\"openapi\" is the core"));
  }
  SECTION("a path described twice across its files") {
    ApiDescription api = described("hello", kGreetings);
    CHECK_THROWS_WITH(api.add("hello", {"more.yaml", kGreetings}), Catch::Contains("described twice"));
  }
  SECTION("a method it does not serve") {
    auto api = described("hello", kGreetings);
    CHECK_THROWS_WITH(api.check("hello", {route("POST", "/api/v1/hello/greetings")}),
                      Catch::Contains("GET /api/v1/hello/greetings, which it does not serve"));
  }
  SECTION("an operation without responses") {
    auto api = described("hello", "paths:\n  /api/v1/hello:\n    get: {summary: hi}\n");
    CHECK_THROWS_WITH(api.check("hello", {route("GET", "/api/v1/hello")}), Catch::Contains("without its responses"));
  }
  SECTION("a reference to a component nobody defines, or another plugin's") {
    auto api = described("hello", "paths:\n  /api/v1/hello:\n    get:\n      responses:\n"
                                  "        default: {$ref: '#/components/responses/PhotoImage'}\n");
    CHECK_THROWS_WITH(api.check("hello", {route("GET", "/api/v1/hello")}, {"responses/Problem"}),
                      Catch::Contains("refers to #/components/responses/PhotoImage"));
    // The core's and its own are fine.
    auto fine = described("hello", "paths:\n  /api/v1/hello:\n    get:\n      responses:\n"
                                   "        default: {$ref: '#/components/responses/Problem'}\n"
                                   "        '200': {$ref: '#/components/responses/HelloOk'}\n"
                                   "components:\n  responses:\n    HelloOk: {description: ok}\n");
    CHECK_NOTHROW(fine.check("hello", {route("GET", "/api/v1/hello")}, {"responses/Problem"}));
  }
  SECTION("a component without the plugin's prefix") {
    auto api = described("hello", "components:\n  schemas:\n    Greeting: {type: object}\n");
    CHECK_THROWS_WITH(api.check("hello", {}), Catch::Contains("must begin with \"Hello\""));
  }
}

TEST_CASE("the merge adds the serving plugins' parts and fills in what the routes say", "[contract]") {
  const json core = json::parse(R"({
    "openapi": "3.1.0",
    "paths": {
      "/healthz": {"get": {"responses": {}}},
      "/console/": {"get": {"responses": {}}},
      "/api/v1/hello/greetings": {"parameters": [{"name": "core", "in": "query"}], "delete": {"responses": {}}}
    },
    "components": {"schemas": {"Problem": {"title": "the core's"}}}
  })");
  std::vector<std::pair<std::string, ApiDescription>> plugins{{"hello", described("hello", kGreetings)}};
  // A plugin named "problem" passes the prefix rule with "Problem".
  plugins.emplace_back("problem", described("problem", "components:\n  schemas:\n    Problem: {title: mine}\n"));
  std::vector<ServedRoute> routes{{"GET", "/healthz", "core", Access::anyone},
                                  {"GET", "/api/v1/hello/greetings", "hello", Access::member},
                                  {"GET", "/console/plugins/hello/panel.js", "hello", Access::anyone},
                                  {"DELETE", "/api/v1/hello/greetings", "core", Access::admin}};
  const MergedContract merged = merge_contract(core, plugins, routes);
  const json& paths = merged.document.at("paths");

  CHECK(paths.at("/healthz").at("get").at("security") == json::array());
  CHECK(paths.at("/healthz").at("get").at("tags") == json::array({"core"}));
  const json& greetings = paths.at("/api/v1/hello/greetings");
  CHECK(greetings.at("get").at("x-memberd-access") == "member");
  CHECK(greetings.at("get").at("tags") == json::array({"hello"}));
  CHECK(greetings.at("get").at("security") == json::parse(R"([{"bearer": []}, {"cookie": []}])"));
  // The core's DELETE of the same path stays, and so do its path-level keys.
  CHECK(greetings.at("delete").at("x-memberd-access") == "admin");
  CHECK(greetings.at("parameters").at(0).at("name") == "core");
  CHECK(merged.document.at("components").at("schemas").contains("HelloGreetings"));
  // The core's component wins over a plugin's of the same name, and the clash is told.
  CHECK(merged.document.at("components").at("schemas").at("Problem").at("title") == "the core's");
  CHECK(merged.clashes == std::vector<std::string>{"problem: components.schemas.Problem"});
  CHECK(paths.at("/console/plugins/hello/panel.js").at("$ref") == "#/components/pathItems/PluginWebFile");
  // The console is off here: its page is not served, so it is not described.
  CHECK_FALSE(paths.contains("/console/"));
  CHECK(merged.unserved == std::vector<std::string>{"GET /console/"});
  CHECK(merged.documented == std::vector<bool>{true, true, true, true});
}
