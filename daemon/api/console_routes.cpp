// The admin console: static files compiled into the binary, served from
// memory with strong ETags (the same way as the plugins' UI files).
#include "api/core_services.hpp"
#include "plugin_host/ui_assets.hpp"

#include <map>
#include <memory>

namespace memberd {

namespace console_assets {
const std::vector<EmbeddedFile>& files();
}

namespace {

using ConsoleFiles = std::map<std::string, std::shared_ptr<const UiFile>, std::less<>>;

std::shared_ptr<const ConsoleFiles> load_console_files() {
  auto files = std::make_shared<ConsoleFiles>();
  for (const auto& file : console_assets::files())
    files->emplace(std::string(file.path), std::make_shared<const UiFile>(make_ui_file(file.path, file.data)));
  return files;
}

Response serve(const ConsoleFiles& files, std::string_view path, const Request& req) {
  auto it = files.find(path);
  if (it == files.end()) return problem(404, "not_found", "Not found", "No such console file.");
  return serve_ui_file(*it->second, req);
}

}  // namespace

std::vector<Route> console_routes(CoreServices& core) {
  if (!core.console_enabled) return {};
  auto files = load_console_files();
  std::vector<Route> routes;
  routes.push_back({"GET", "/console", Access::anyone, Body::none, [](const Request&) {
                      return Response{308, "text/plain; charset=utf-8", "", {{"Location", "/console/"}}};
                    }});
  routes.push_back({"GET", "/console/", Access::anyone, Body::none,
                    [files](const Request& req) { return serve(*files, "index.html", req); }});
  routes.push_back({"GET", "/console/{file}", Access::anyone, Body::none,
                    [files](const Request& req) { return serve(*files, req.path_param("file"), req); }});
  return routes;
}

}  // namespace memberd
