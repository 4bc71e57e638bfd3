// The two shells: the member's Account Settings at /account/ and the admin
// console at /console/, static files compiled into the binary, served from
// memory with strong ETags (the same way as the plugins' UI files).
#include "api/core_services.hpp"
#include "plugin_host/ui_assets.hpp"

#include <map>
#include <memory>

namespace memberd {

namespace console_assets {
const std::vector<EmbeddedFile>& files();
}
namespace account_assets {
const std::vector<EmbeddedFile>& files();
}

namespace {

using ConsoleFiles = std::map<std::string, std::shared_ptr<const UiFile>, std::less<>>;

void add_files(ConsoleFiles& into, const std::vector<EmbeddedFile>& files) {
  for (const auto& file : files)
    into.emplace(std::string(file.path), std::make_shared<const UiFile>(make_ui_file(file.path, file.data)));
}

std::shared_ptr<const ConsoleFiles> load_console_files() {
  auto files = std::make_shared<ConsoleFiles>();
  add_files(*files, console_assets::files());
  return files;
}

// The member shell's files, and what both shells share from the console's:
// the product's one stylesheet and the kit module.
std::shared_ptr<const ConsoleFiles> load_account_files() {
  auto files = std::make_shared<ConsoleFiles>();
  add_files(*files, account_assets::files());
  for (const char* shared : {"style.css", "kit.js"})
    if (const auto* file = find_embedded_file(console_assets::files(), shared))
      files->emplace(shared, std::make_shared<const UiFile>(make_ui_file(file->path, file->data)));
  return files;
}

Response serve(const ConsoleFiles& files, std::string_view path, const Request& req) {
  auto it = files.find(path);
  if (it == files.end()) return problem(404, "not_found", "Not found", "No such file.");
  return serve_ui_file(*it->second, req);
}

// /<shell>, /<shell>/ and /<shell>/<file> for one shell's files.
void add_shell_routes(std::vector<Route>& routes, const std::string& shell, std::shared_ptr<const ConsoleFiles> files) {
  routes.push_back({"GET", "/" + shell, Access::anyone, Body::none, [shell](const Request&) {
                      return Response{308, "text/plain; charset=utf-8", "", {{"Location", "/" + shell + "/"}}};
                    }});
  routes.push_back({"GET", "/" + shell + "/", Access::anyone, Body::none,
                    [files](const Request& req) { return serve(*files, "index.html", req); }});
  routes.push_back({"GET", "/" + shell + "/{file}", Access::anyone, Body::none,
                    [files](const Request& req) { return serve(*files, req.path_param("file"), req); }});
}

}  // namespace

std::vector<Route> shell_routes(CoreServices& core) {
  std::vector<Route> routes;
  // The member shell is the product's front door; the console may be off.
  add_shell_routes(routes, "account", load_account_files());
  if (core.console_enabled) add_shell_routes(routes, "console", load_console_files());
  return routes;
}

}  // namespace memberd
