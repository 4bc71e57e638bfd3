// The admin console: static files compiled into the binary, served from memory.
#include "api/core_services.hpp"
#include <memberd/embedded_file.hpp>

namespace memberd {

namespace console_assets {
const std::vector<EmbeddedFile>& files();
}

namespace {

std::string content_type_for(std::string_view path) {
  auto ends_with = [&](std::string_view ext) {
    return path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext;
  };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  if (ends_with(".png")) return "image/png";
  return "application/octet-stream";
}

Response serve(std::string_view path) {
  const EmbeddedFile* file = find_embedded_file(console_assets::files(), path);
  if (!file) return problem(404, "not_found", "Not found", "No such console file.");
  Response r{200, content_type_for(path), std::string(file->data), {}};
  // The console runs no inline code and loads nothing from elsewhere.
  r.headers = {{"Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"},
               {"X-Content-Type-Options", "nosniff"},
               {"Referrer-Policy", "no-referrer"},
               {"Cache-Control", "no-cache"}};
  return r;
}

}  // namespace

std::vector<Route> console_routes(CoreServices& core) {
  if (!core.console_enabled) return {};
  std::vector<Route> routes;
  routes.push_back({"GET", "/console", Access::anyone, Body::none, [](const Request&) {
                      return Response{308, "text/plain; charset=utf-8", "", {{"Location", "/console/"}}};
                    }});
  routes.push_back({"GET", "/console/", Access::anyone, Body::none, [](const Request&) { return serve("index.html"); }});
  routes.push_back({"GET", "/console/{file}", Access::anyone, Body::none,
                    [](const Request& req) { return serve(req.path_param("file")); }});
  return routes;
}

}  // namespace memberd
