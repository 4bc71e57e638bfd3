#include "plugin_host/ui_assets.hpp"

#include <catch2/catch.hpp>

using namespace memberd;

TEST_CASE("UI file paths are plain relative paths, each given once", "[plugins][ui]") {
  for (const char* bad : {"", "/abs.js", "a/../b.js", "./a.js", "a//b.js", "dir/", "sp ace.js", "q?.js", "ü.js", "..",
                          "a\\b.js"}) {
    INFO(bad);
    PluginUi ui;
    CHECK_THROWS_AS(ui.add_files({{bad, "x"}}), std::invalid_argument);
  }
  PluginUi ui;
  CHECK_NOTHROW(ui.add_files({{"page.js", "1"}, {"css/site.min.css", "2"}, {"img/logo_2-x.svg", "3"}}));
  CHECK_THROWS_WITH(ui.add_files({{"page.js", "again"}}), Catch::Contains("given twice"));
}

TEST_CASE("UI entries are checked against the plugin's files and the shells' rules", "[plugins][ui]") {
  auto check = [](UiEntry entry) {
    PluginUi ui;
    ui.add_files({{"page.js", "export {}"}, {"page.css", "p{}"}});
    ui.entries.push_back(std::move(entry));
    ui.check("p");
  };
  CHECK_NOTHROW(check({UiShell::account, "change-email", "Change Email Address", 30, Access::member, "page.js", {"page.css"}}));
  CHECK_THROWS_WITH(check({UiShell::account, "Bad_Id", "T", 1, Access::member, "page.js"}), Catch::Contains("id"));
  CHECK_THROWS_WITH(check({UiShell::account, "x", "", 1, Access::member, "page.js"}), Catch::Contains("title"));
  CHECK_THROWS_WITH(check({UiShell::account, "x", "T", 1, Access::member, "other.js"}), Catch::Contains("other.js"));
  CHECK_THROWS_WITH(check({UiShell::account, "x", "T", 1, Access::member, "page.js", {"gone.css"}}),
                    Catch::Contains("gone.css"));
  CHECK_THROWS_WITH(check({UiShell::console, "x", "T", 1, Access::member, "page.js"}), Catch::Contains("admin"));

  PluginUi twice;
  twice.add_files({{"page.js", "export {}"}});
  twice.entries = {{UiShell::account, "x", "T", 1, Access::member, "page.js"},
                   {UiShell::account, "x", "U", 2, Access::member, "page.js"}};
  CHECK_THROWS_WITH(twice.check("p"), Catch::Contains("twice"));
  // The same id in the other shell is another entry.
  twice.entries[1].shell = UiShell::console;
  twice.entries[1].access = Access::admin;
  CHECK_NOTHROW(twice.check("p"));
}

TEST_CASE("a UI file's ETag follows its bytes", "[plugins][ui]") {
  auto a = make_ui_file("a.js", "one"), b = make_ui_file("b.js", "one"), c = make_ui_file("a.js", "two");
  CHECK(a.etag == b.etag);
  CHECK(a.etag != c.etag);
  CHECK(ui_content_type("x/y.css") == "text/css; charset=utf-8");
  CHECK(ui_content_type("x.bin") == "application/octet-stream");
}
