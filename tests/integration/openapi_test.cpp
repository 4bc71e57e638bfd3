// The HTTP contract in the repository (issue 28): the core's OpenAPI
// document merged with each serving plugin's part at /api/v1/openapi.json,
// every route described, and a plugin's paths leaving with it. That each
// response keeps to the document is checked over every black-box test by
// tests/contract/validate_responses.py.
#include "support/daemon_process.hpp"
#include "support/plugins_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;
using memberd::test::PluginsDir;
using json = nlohmann::json;

namespace {

// Every area we ship, and the example a third party starts from.
DaemonOptions every_plugin() {
  return DaemonOptions{"sqlite", {}, "", {"credentials", "profile", "photo", "security_level", "email_service", "hello"}};
}

json openapi(const DaemonProcess& daemon) {
  auto res = daemon.http()->Get("/api/v1/openapi.json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return json::parse(res->body);
}

}  // namespace

TEST_CASE("every route the daemon serves is in the OpenAPI document, and nothing it does not serve",
          "[contract][plugins]") {
  DaemonProcess daemon(every_plugin());
  for (const auto& plugin : DaemonProcess::json(daemon.unix_socket()->Get("/api/v1/admin/plugins"))) {
    INFO(plugin.dump());
    REQUIRE(plugin["state"] == "loaded");
  }
  auto table = DaemonProcess::json(daemon.unix_socket()->Get("/api/v1/admin/routes"));
  std::vector<std::string> undocumented;
  for (const auto& route : table["items"])
    if (!route["documented"].get<bool>())
      undocumented.push_back(route["method"].get<std::string>() + " " + route["pattern"].get<std::string>() + " (" +
                             route["owner"].get<std::string>() + ")");
  CHECK(table["items"].size() > 80);
  INFO("describe these in daemon/api/openapi.yaml or the owner's openapi.yaml");
  CHECK(undocumented == std::vector<std::string>{});
  INFO("daemon/api/openapi.yaml describes operations the daemon does not serve");
  CHECK(table["described_but_not_served"] == json::array());
}

TEST_CASE("the served document merges the plugins' parts and states each route's access from the code",
          "[contract][plugins]") {
  DaemonProcess daemon(every_plugin());
  auto doc = openapi(daemon);
  CHECK(doc["openapi"] == "3.1.0");
  // A plugin's operation, with what the route table says filled in.
  const auto& upload = doc["paths"]["/api/v1/me/photo"]["put"];
  CHECK(upload["x-memberd-access"] == "member");
  CHECK(upload["tags"] == json::array({"photo"}));
  CHECK(upload["security"].size() == 2);
  // A public route needs no credentials; an admin's says so.
  CHECK(doc["paths"]["/api/v1/password-resets"]["post"]["security"] == json::array());
  CHECK(doc["paths"]["/api/v1/admin/reviews"]["get"]["x-memberd-access"] == "admin");
  CHECK(doc["paths"]["/api/v1/me/password"]["put"]["x-memberd-access"] == "privileged");
  // The third-party example's part and its components, under its own prefix.
  CHECK(doc["paths"]["/api/v1/hello/motto"]["put"]["tags"] == json::array({"hello"}));
  bool hello_component = false;
  for (const auto& [name, schema] : doc["components"]["schemas"].items()) hello_component |= name.rfind("Hello", 0) == 0;
  CHECK(hello_component);
  // A plugin's web files are the host's, described once.
  CHECK(doc["paths"]["/console/plugins/hello/panel.js"]["$ref"] == "#/components/pathItems/PluginWebFile");
}

TEST_CASE("an unloaded plugin's paths leave the document, and come back with it", "[contract][plugins]") {
  DaemonProcess daemon(DaemonOptions{"sqlite", {}, "", {"credentials", "photo"}});
  REQUIRE(openapi(daemon)["paths"].contains("/api/v1/me/photo"));
  auto socket = daemon.unix_socket();
  REQUIRE(socket->Post("/api/v1/admin/plugins/photo/unload")->status == 200);
  auto without = openapi(daemon);
  CHECK_FALSE(without["paths"].contains("/api/v1/me/photo"));
  CHECK_FALSE(without["components"]["schemas"].contains("PhotoState"));
  CHECK(without["paths"].contains("/api/v1/session"));  // credentials' stays
  REQUIRE(socket->Post("/api/v1/admin/plugins/photo/reload")->status == 200);
  CHECK(openapi(daemon)["paths"].contains("/api/v1/me/photo"));
}

TEST_CASE("with the console off its pages leave the document", "[contract]") {
  DaemonProcess daemon(DaemonOptions{"sqlite", {"console.enabled=false"}, "", {"credentials"}});
  auto doc = openapi(daemon);
  CHECK_FALSE(doc["paths"].contains("/console/"));
  CHECK(doc["paths"].contains("/account/"));
  auto table = DaemonProcess::json(daemon.unix_socket()->Get("/api/v1/admin/routes"));
  CHECK_FALSE(table["described_but_not_served"].empty());
}

TEST_CASE("a plugin that describes a route it does not serve does not load, naming the route",
          "[contract][plugins]") {
  PluginsDir dir({{"bad_api_description", "bad_api_description"}});
  DaemonProcess daemon(DaemonOptions{"sqlite", {}, dir.path(), {"bad_api_description"}});
  CHECK_THAT(load_error(daemon, "bad_api_description"),
             Catch::Contains("POST /api/v1/bad_api_description") && Catch::Contains("does not serve"));
  CHECK(daemon.http()->Get("/api/v1/bad_api_description")->status == 404);
  CHECK_FALSE(openapi(daemon)["paths"].contains("/api/v1/bad_api_description"));
}

TEST_CASE("the document is public: no session is needed to read it", "[contract]") {
  DaemonProcess daemon(DaemonOptions{"sqlite", {}, "", {}});
  auto res = daemon.http()->Get("/api/v1/openapi.json");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type").rfind("application/json", 0) == 0);
  // The admin's route table is not.
  CHECK(daemon.http()->Get("/api/v1/admin/routes")->status == 401);
  // Built once per plugin change, revalidated by its ETag.
  const std::string etag = res->get_header_value("ETag");
  REQUIRE_FALSE(etag.empty());
  auto again = daemon.http()->Get("/api/v1/openapi.json", {{"If-None-Match", etag}});
  REQUIRE(again);
  CHECK(again->status == 304);
  CHECK(again->body.empty());
}

TEST_CASE("the document's ETag changes when a plugin leaves", "[contract][plugins]") {
  DaemonProcess daemon(DaemonOptions{"sqlite", {}, "", {"credentials", "photo"}});
  const std::string before = daemon.http()->Get("/api/v1/openapi.json")->get_header_value("ETag");
  REQUIRE(daemon.unix_socket()->Post("/api/v1/admin/plugins/photo/unload")->status == 200);
  auto after = daemon.http()->Get("/api/v1/openapi.json", {{"If-None-Match", before}});
  REQUIRE(after);
  CHECK(after->status == 200);
  CHECK(after->get_header_value("ETag") != before);
  CHECK_FALSE(json::parse(after->body)["paths"].contains("/api/v1/me/photo"));
}

TEST_CASE("the responses a test receives are recorded for the contract check", "[contract]") {
  const char* setting = std::getenv("MEMBERD_CONTRACT_LOG");
  if (setting && std::string(setting) == "off") {
    WARN("MEMBERD_CONTRACT_LOG=off: nothing is recorded");
    return;
  }
  const std::string dir = setting && *setting ? setting : MEMBERD_CONTRACT_LOG_DIR;
  DaemonProcess daemon(DaemonOptions{"sqlite", {}, "", {}});
  // A path no other test asks for, so the file that holds it is this daemon's.
  const std::string marker = "/api/v1/contract-recording-check-" + std::to_string(daemon.port());
  REQUIRE(daemon.http()->Get(marker));
  bool recorded = false;
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/exchanges")) {
    std::ifstream file(entry.path());
    std::string first, line;
    std::getline(file, first);
    while (std::getline(file, line)) recorded |= line.find(marker) != std::string::npos && !json::parse(first)["document"].is_null();
  }
  CHECK(recorded);
}
