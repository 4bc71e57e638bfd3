#pragma once
// SDK 2.2: the web a plugin brings with it. A settings area is a plugin
// whole: its member page (in the "Account Settings" shell at /account/) and
// its console panel (in the admin console at /console/) live in its .so and
// swap with it.
//
//   namespace ui { const std::vector<memberd::EmbeddedFile>& files(); }   // memberd_embed_files()
//   void start(Host& host, const Config&) override {
//     host.add_ui_files(ui::files());
//     host.add_ui({UiShell::account, "greeting", "Greeting", 90, Access::member, "greeting.js", {"greeting.css"}});
//     host.add_ui({UiShell::console, "greetings", "Greetings", 90, Access::admin, "panel.js"});
//   }
//
// The host serves the files from memory at /account/plugins/<plugin>/<path>
// and /console/plugins/<plugin>/<path> with a strong ETag (a browser
// revalidates on each navigation and gets 304 until the plugin changes),
// under the shells' Content-Security-Policy: no inline script or style, and
// nothing from another origin. GET /api/v1/ui lists the loaded entries the
// caller may open; the shells build their menus from it, so a hot swap
// shows the new version at the next navigation and an unloaded plugin's
// entry disappears.
//
// The module is a plain ES module (no build step) exporting
//   export async function render(root, shell)
// where `root` is the element to fill; see docs/web.md for the rules and
// for what `shell` carries.
#include <memberd/http.hpp>

#include <string>
#include <vector>

namespace memberd {

enum class UiShell {
  account,  // the member's "Account Settings" at /account/
  console,  // the admin console at /console/
};

// FROZEN from 2.2 (crosses the boundary; see version.hpp).
struct UiEntry {
  UiShell shell = UiShell::account;
  // [a-z0-9-], 1 to 40 characters, unique per plugin and shell: the page's
  // address is /account/#/<plugin>/<id> (or /console/#/...).
  std::string id;
  // The menu entry and the page's heading ("Change Email Address").
  std::string title;
  // Position in the menu, lower first; the credentials plugin uses the
  // seed's order 10 (photo), 20 (profile), 30 (email), 40 (password),
  // 50 (security question), 60 (security level), 70 (email service).
  int order = 100;
  // Who may open it: anyone (pages before sign-in: they get no menu entry),
  // member, privileged (a member page whose actions need a recent step-up;
  // listed for every member), admin (console panels must be admin).
  Access access = Access::member;
  // The ES module, a path given to add_ui_files() ("greeting.js").
  std::string module;
  // Style sheets among those files, loaded before the module runs.
  std::vector<std::string> styles;
  // False for pages reached by link only (an emailed link's landing page).
  bool in_menu = true;
};

}  // namespace memberd
