// Plugins bring their web (SDK 2.2, memberd/ui.hpp): files served from
// memory with strong ETags, one listing the shells build their menus from,
// and both swap with the plugin.
#include "support/credentials_client.hpp"
#include "support/daemon_process.hpp"
#include "support/plugins_dir.hpp"

#include <catch2/catch.hpp>

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;
using memberd::test::PluginsDir;
using nlohmann::json;

namespace {

json listing(const DaemonProcess& daemon, const httplib::Headers& headers = {}) {
  auto res = daemon.http()->Get("/api/v1/ui", headers);
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return json::parse(res->body);
}

std::vector<std::string> ids(const json& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e["plugin"].get<std::string>() + "/" + e["id"].get<std::string>());
  return out;
}

std::string path_of(const std::string& url) { return url.substr(0, url.find('?')); }

const json& find(const json& entries, const std::string& plugin, const std::string& id) {
  for (const auto& e : entries)
    if (e["plugin"] == plugin && e["id"] == id) return e;
  FAIL("no entry " + plugin + "/" + id + " in " + entries.dump());
  throw;
}

}  // namespace

TEST_CASE("the shells list each loaded plugin's pages and panels that the caller may open", "[plugins][ui]") {
  PluginsDir dir({{"swapper", "swapper"}, {"credentials", "credentials"}});
  DaemonProcess daemon(DaemonOptions{"sqlite", {}, dir.path(), {"swapper", "credentials"}});

  // A visitor: only what comes before signing in (credentials' sign-in and
  // join pages and the landing pages of its links, the fixture's landing
  // page), in order.
  auto anonymous = listing(daemon);
  CHECK(ids(anonymous["account"]) ==
        std::vector<std::string>{"credentials/sign-in", "credentials/join", "credentials/forgot-password",
                                 "credentials/reset-password", "credentials/verify-email", "credentials/confirm-email",
                                 "swapper/landing"});
  CHECK(find(anonymous["account"], "swapper", "landing")["menu"] == false);  // pages for anyone get no menu entry
  CHECK(anonymous["console"].empty());

  // A member: the member pages too, in menu order; still no console.
  auto account = memberd::test::credentials::join(daemon, "ui-member@example.com");
  auto session = memberd::test::credentials::sign_in(daemon, account);
  auto member = listing(daemon, memberd::test::credentials::bearer(session.token));
  CHECK(ids(member["account"]) ==
        std::vector<std::string>{"credentials/sign-in", "credentials/join", "credentials/forgot-password",
                                 "credentials/reset-password", "credentials/verify-email", "credentials/confirm-email",
                                 "swapper/landing",
                                 "swapper/page", "credentials/change-email", "credentials/change-password",
                                 "credentials/security-question", "credentials/your-data"});
  const auto& page = find(member["account"], "swapper", "page");
  CHECK(page["title"] == "A page");
  CHECK(page["order"] == 20);
  CHECK(page["access"] == "member");
  CHECK(page["menu"] == true);
  CHECK(page["module"].get<std::string>().rfind("/account/plugins/swapper/page.js?v=", 0) == 0);
  CHECK(page["styles"].size() == 1);
  CHECK(path_of(page["styles"][0]) == "/account/plugins/swapper/page.css");
  CHECK(member["console"].empty());

  // An admin: the console panels as well (credentials' reached from a
  // member's page, not the menu).
  auto admin = listing(daemon, memberd::test::credentials::bearer(daemon.admin_token()));
  CHECK(ids(admin["console"]) == std::vector<std::string>{"swapper/panel", "credentials/member"});
  CHECK(path_of(find(admin["console"], "swapper", "panel")["module"]) == "/console/plugins/swapper/panels/panel.js");
  CHECK(find(admin["console"], "credentials", "member")["menu"] == false);
}

TEST_CASE("the member shell's page carries its first screen: the caller's session and pages, and preloads", "[plugins][ui]") {
  DaemonProcess daemon(DaemonOptions{"sqlite", {}, "", {"credentials"}});
  // The data block between its tags, as the shell reads it.
  auto boot_of = [](const std::string& html) {
    const std::string open = "<script type=\"application/json\" id=\"boot\">";
    auto start = html.find(open);
    REQUIRE(start != std::string::npos);
    start += open.size();
    auto data = html.substr(start, html.find("</script>", start) - start);
    CHECK(data.find('<') == std::string::npos);  // nothing in it can close the element
    return json::parse(data);
  };

  // A visitor: no session, the pages for anyone, and the sign-in's module
  // with each file it imports (none now) preloaded beside the shell.
  auto visitor = daemon.http()->Get("/account/");
  REQUIRE(visitor);
  CHECK(visitor->status == 200);
  CHECK(visitor->get_header_value("Cache-Control") == "no-store");  // it may hold the member's own data
  CHECK(visitor->get_header_value("Content-Security-Policy").find("default-src 'self'") != std::string::npos);
  auto boot = boot_of(visitor->body);
  CHECK(boot["session"].is_null());
  CHECK(boot["ui"] == listing(daemon));
  const auto& sign_in = find(boot["ui"]["account"], "credentials", "sign-in");
  CHECK(visitor->body.find("<link rel=\"modulepreload\" href=\"" + sign_in["module"].get<std::string>() + "\">") !=
        std::string::npos);
  // Each file a page's module imports is preloaded too, at the address the browser asks for.
  auto preloads_imports = [&](const json& entry, const std::string& html) {
    REQUIRE(entry["imports"].is_array());
    for (const auto& url : entry["imports"]) {
      CHECK(html.find("<link rel=\"modulepreload\" href=\"" + url.get<std::string>() + "\">") != std::string::npos);
      CHECK(daemon.http()->Get(url.get<std::string>())->status == 200);
    }
  };
  preloads_imports(sign_in, visitor->body);
  CHECK(visitor->body.find("<!--boot-->") == std::string::npos);

  // A member: their session, and their pages.
  auto account = memberd::test::credentials::join(daemon, "boot@example.com");
  auto session = memberd::test::credentials::sign_in(daemon, account);
  auto member = daemon.http()->Get("/account/", memberd::test::credentials::bearer(session.token));
  REQUIRE(member);
  auto mine = boot_of(member->body);
  CHECK(mine["session"]["email"] == "boot@example.com");
  CHECK(mine["ui"] == listing(daemon, memberd::test::credentials::bearer(session.token)));
  // Their first menu page, with the files it imports.
  const auto& first = find(mine["ui"]["account"], "credentials", "change-email");
  CHECK(member->body.find("<link rel=\"modulepreload\" href=\"" + first["module"].get<std::string>() + "\">") !=
        std::string::npos);
  REQUIRE_FALSE(first["imports"].empty());
  CHECK(first["imports"][0] == "/account/plugins/credentials/step-up.js");
  preloads_imports(first, member->body);
}

TEST_CASE("a plugin's UI files are served from memory with a strong ETag and the shells' headers", "[plugins][ui]") {
  PluginsDir dir({{"swapper", "swapper"}});
  DaemonProcess daemon(DaemonOptions{"sqlite", {}, dir.path(), {"swapper"}});
  auto http = daemon.http();

  auto res = http->Get("/account/plugins/swapper/page.js");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body == "export const version = '1.0.0';\n");
  CHECK(res->get_header_value("Content-Type") == "text/javascript; charset=utf-8");
  std::string etag = res->get_header_value("ETag");
  CHECK(etag.size() == 34);
  CHECK(etag.front() == '"');  // strong: no W/
  CHECK(res->get_header_value("Cache-Control") == "no-cache");
  CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");
  auto csp = res->get_header_value("Content-Security-Policy");
  CHECK(csp.find("default-src 'self'") != std::string::npos);
  CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
  CHECK(csp.find("unsafe-inline") == std::string::npos);

  // Revalidation: 304 without a body while the plugin is unchanged.
  auto again = http->Get("/account/plugins/swapper/page.js", {{"If-None-Match", etag}});
  REQUIRE(again);
  CHECK(again->status == 304);
  CHECK(again->body.empty());
  CHECK(again->get_header_value("ETag") == etag);
  auto stale = http->Get("/account/plugins/swapper/page.js", {{"If-None-Match", "\"0123\""}});
  REQUIRE(stale);
  CHECK(stale->status == 200);

  // The same files under the console, in subdirectories, with their types.
  auto panel = http->Get("/console/plugins/swapper/panels/panel.js");
  REQUIRE(panel);
  CHECK(panel->status == 200);
  auto css = http->Get("/account/plugins/swapper/page.css");
  REQUIRE(css);
  CHECK(css->get_header_value("Content-Type") == "text/css; charset=utf-8");

  // Nothing else: no other file, no climbing out, no other plugin's name.
  for (const char* path : {"/account/plugins/swapper/nope.js", "/account/plugins/swapper/../swapper/page.js",
                           "/account/plugins/hello/page.js", "/account/plugins/swapper/"}) {
    INFO(path);
    auto missing = http->Get(path);
    REQUIRE(missing);
    CHECK(missing->status == 404);
  }
}

TEST_CASE("a hot swap replaces a plugin's UI files and the listing points at the new ones", "[plugins][ui][hot_swap]") {
  PluginsDir dir({{"swapper", "swapper"}});
  DaemonProcess daemon(DaemonOptions{"sqlite", {}, dir.path(), {"swapper"}});
  auto http = daemon.http();
  auto admin = memberd::test::credentials::bearer(daemon.admin_token());
  auto before = listing(daemon, admin);
  auto old_etag = http->Get("/account/plugins/swapper/page.js")->get_header_value("ETag");

  dir.install("swapper_v2", "swapper");
  auto reload = daemon.unix_socket()->Post("/api/v1/admin/plugins/swapper/reload");
  REQUIRE(reload);
  REQUIRE(reload->status == 200);

  auto res = http->Get("/account/plugins/swapper/page.js", {{"If-None-Match", old_etag}});
  REQUIRE(res);
  CHECK(res->status == 200);  // the browser's copy is stale: it gets the new module
  CHECK(res->body == "export const version = '2.0.0';\n");
  CHECK(res->get_header_value("ETag") != old_etag);
  auto after = listing(daemon, admin);
  CHECK(after["account"][1]["module"] != before["account"][1]["module"]);  // a new URL: ?v= changed
  CHECK(after["account"][1]["styles"] == before["account"][1]["styles"]);  // the unchanged CSS keeps its URL
  CHECK(after["console"][0]["module"] != before["console"][0]["module"]);
}

TEST_CASE("a UI entry that breaks the rules keeps the plugin from loading, naming the entry", "[plugins][ui]") {
  PluginsDir dir({{"bad_ui", "bad_ui"}});
  DaemonProcess daemon(DaemonOptions{"sqlite", {}, dir.path(), {"bad_ui"}});
  CHECK_THAT(load_error(daemon, "bad_ui"),
             Catch::Contains("missing") && Catch::Contains("nowhere.js") && Catch::Contains("not among the UI files"));
  CHECK(daemon.http()->Get("/account/plugins/bad_ui/page.js")->status == 404);
  CHECK(listing(daemon)["account"].empty());
}

TEST_CASE("an unloaded plugin leaves the menus, its files and routes at once, and SIGHUP leaves it out", "[plugins][ui]") {
  PluginsDir dir({{"swapper", "swapper"}, {"credentials", "credentials"}});
  DaemonProcess daemon(DaemonOptions{"sqlite", {}, dir.path(), {"swapper", "credentials"}});
  auto http = daemon.http();
  auto socket = daemon.unix_socket();
  auto admin = memberd::test::credentials::bearer(daemon.admin_token());
  auto state_of = [&](const std::string& name) {
    for (const auto& p : DaemonProcess::json(socket->Get("/api/v1/admin/plugins")))
      if (p["name"] == name) return p["state"].get<std::string>();
    return std::string("absent");
  };
  auto listed = [&](const std::string& plugin) {
    auto all = listing(daemon, admin);
    int n = 0;
    for (const auto* shell : {"account", "console"})
      for (const auto& e : all[shell]) n += e["plugin"] == plugin;
    return n;
  };
  REQUIRE(listed("swapper") == 3);

  auto gone = socket->Post("/api/v1/admin/plugins/swapper/unload");
  REQUIRE(gone);
  INFO(gone->body);
  REQUIRE(gone->status == 200);
  CHECK(json::parse(gone->body)["state"] == "unloaded");
  CHECK(state_of("swapper") == "unloaded");
  CHECK(listed("swapper") == 0);
  CHECK(listed("credentials") > 0);  // the others stay
  for (const char* path : {"/account/plugins/swapper/page.js", "/console/plugins/swapper/panels/panel.js",
                           "/api/v1/swapper"}) {
    INFO(path);
    auto res = http->Get(path);
    REQUIRE(res);
    CHECK(res->status == 404);
  }
  // Taken out on purpose: the daemon is still ready.
  CHECK(http->Get("/readyz")->status == 200);

  // Unloading again changes nothing; an unknown plugin is a 404.
  CHECK(socket->Post("/api/v1/admin/plugins/swapper/unload")->status == 200);
  CHECK(socket->Post("/api/v1/admin/plugins/nothing/unload")->status == 404);
  // Admins only.
  auto member = memberd::test::credentials::sign_in(daemon, memberd::test::credentials::join(daemon, "unload@example.com"));
  CHECK(http->Post("/api/v1/admin/plugins/credentials/unload", memberd::test::credentials::bearer(member.token), "",
                   "application/json")
            ->status == 403);
  CHECK(state_of("credentials") == "loaded");

  // SIGHUP reloads the others and leaves it out.
  auto generation = [&](const std::string& name) {
    for (const auto& p : DaemonProcess::json(socket->Get("/api/v1/admin/plugins")))
      if (p["name"] == name) return p["generation"].get<int>();
    return -1;
  };
  int credentials_before = generation("credentials");
  daemon.signal(SIGHUP);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (generation("credentials") == credentials_before && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(generation("credentials") > credentials_before);
  CHECK(state_of("swapper") == "unloaded");
  CHECK(listed("swapper") == 0);

  // A reload by name brings it back, pages and all.
  auto back = socket->Post("/api/v1/admin/plugins/swapper/reload");
  REQUIRE(back);
  CHECK(back->status == 200);
  CHECK(state_of("swapper") == "loaded");
  CHECK(listed("swapper") == 3);
  CHECK(http->Get("/account/plugins/swapper/page.js")->status == 200);
}
