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

TEST_CASE("review kinds are the plugin's own, titled, with reasons and a module among its files",
          "[plugins][ui][reviews]") {
  auto check = [](ReviewKind kind) {
    PluginUi ui;
    ui.add_files({{"review.js", "export {}"}, {"review.css", "p{}"}});
    ui.review_kinds.push_back(std::move(kind));
    ui.check("photo");
  };
  CHECK_NOTHROW(check({"photo", "Photo", {"Blurred."}, "review.js", {"review.css"}}));
  CHECK_NOTHROW(check({"photo.cover", "Cover photo", {}, ""}));  // no module: the console's field table
  CHECK_THROWS_WITH(check({"profile", "Profile"}), Catch::Contains("only its own kinds"));
  CHECK_THROWS_WITH(check({"photographer", "P"}), Catch::Contains("only its own kinds"));
  // The queue's own rule for a kind's name, so a declared kind can be submitted.
  CHECK_THROWS_WITH(check({"photo.Cover", "Cover"}), Catch::Contains("a-z, 0-9"));
  CHECK_THROWS_WITH(check({"photo." + std::string(60, 'x'), "Long"}), Catch::Contains("at most 64"));
  CHECK_THROWS_WITH(check({"photo", ""}), Catch::Contains("title"));
  CHECK_THROWS_WITH(check({"photo", std::string(41, 'T')}), Catch::Contains("title"));
  CHECK_THROWS_WITH(check({"photo", "Photo", {""}}), Catch::Contains("reason"));
  CHECK_THROWS_WITH(check({"photo", "Photo", {std::string(501, 'r')}}), Catch::Contains("reason"));
  CHECK_THROWS_WITH(check({"photo", "Photo", std::vector<std::string>(51, "r")}), Catch::Contains("50"));
  CHECK_THROWS_WITH(check({"photo", "Photo", {}, "gone.js"}), Catch::Contains("gone.js"));
  CHECK_THROWS_WITH(check({"photo", "Photo", {}, "review.js", {"gone.css"}}), Catch::Contains("gone.css"));

  PluginUi twice;
  twice.review_kinds = {{"photo", "Photo"}, {"photo", "Photo again"}};
  CHECK_THROWS_WITH(twice.check("photo"), Catch::Contains("twice"));
}
