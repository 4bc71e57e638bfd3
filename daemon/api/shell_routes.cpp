// The two shells: the member's Account Settings at /account/ and the admin
// console at /console/, static files compiled into the binary, served from
// memory with strong ETags (the same way as the plugins' UI files). The
// member shell's page is written for each request: it carries what its
// first screen needs (account_boot below).
#include "api/core_services.hpp"
#include "api/ui_listing.hpp"
#include "plugin_host/ui_assets.hpp"

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>

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
// the product's one stylesheet and the kit's modules.
std::shared_ptr<const ConsoleFiles> load_account_files() {
  auto files = std::make_shared<ConsoleFiles>();
  add_files(*files, account_assets::files());
  for (const char* shared : {"style.css", "kit.js", "passkeys.js"})
    if (const auto* file = find_embedded_file(console_assets::files(), shared))
      files->emplace(shared, std::make_shared<const UiFile>(make_ui_file(file->path, file->data)));
  return files;
}

Response serve(const ConsoleFiles& files, std::string_view path, const Request& req) {
  auto it = files.find(path);
  if (it == files.end()) return problem(404, "not_found", "Not found", "No such file.");
  return serve_ui_file(*it->second, req);
}

// An attribute value: & and " written as entities.
std::string attribute(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '&' ? "&amp;" : c == '"' ? "&quot;" : std::string(1, c);
  return out;
}

// What the member shell's first screen needs, written into its page so a
// cold load is two round trips (the page, then everything at once) instead
// of six one after another: the caller's session and page list as a JSON
// data block (the CSP runs no inline script, and a data block is not run;
// every '<' is written \u003c, so nothing in it can close the element),
// and a preload line for the page most likely shown first — the sign-in
// for a visitor, the first menu page for a member — with its styles and
// each file its module imports.
std::string account_boot(CoreServices& core, const Caller& caller) {
  const bool signed_in = caller.signed_in();
  nlohmann::json listing = ui_listing(core, caller);
  nlohmann::json boot{{"session", signed_in ? session_view(core, caller) : nlohmann::json(nullptr)},
                      {"ui", listing}};
  std::string data = boot.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string escaped;
  for (char c : data) escaped += c == '<' ? std::string("\\u003c") : std::string(1, c);
  std::string html = "<script type=\"application/json\" id=\"boot\">" + escaped + "</script>\n";
  const nlohmann::json* first = nullptr;
  for (const auto& entry : listing["account"]) {
    const bool wanted = signed_in ? entry.value("menu", false) : entry.value("id", "") == "sign-in";
    if (wanted) {
      first = &entry;
      break;
    }
  }
  if (first) {
    html += "  <link rel=\"modulepreload\" href=\"" + attribute((*first)["module"].get<std::string>()) + "\">\n";
    for (const auto& url : (*first)["imports"])
      html += "  <link rel=\"modulepreload\" href=\"" + attribute(url.get<std::string>()) + "\">\n";
    for (const auto& url : (*first)["styles"])
      html += "  <link rel=\"preload\" as=\"style\" href=\"" + attribute(url.get<std::string>()) + "\">\n";
  }
  return html;
}

// /<shell>, /<shell>/ and /<shell>/<file> for one shell's files; `page`
// answers /<shell>/ when given (the member shell's, written per request).
void add_shell_routes(std::vector<Route>& routes, const std::string& shell, std::shared_ptr<const ConsoleFiles> files,
                      std::function<Response(const Request&)> page = {}) {
  routes.push_back({"GET", "/" + shell, Access::anyone, Body::none, [shell](const Request&) {
                      return Response{308, "text/plain; charset=utf-8", "", {{"Location", "/" + shell + "/"}}};
                    }});
  if (!page) page = [files](const Request& req) { return serve(*files, "index.html", req); };
  routes.push_back({"GET", "/" + shell + "/", Access::anyone, Body::none, std::move(page)});
  routes.push_back({"GET", "/" + shell + "/{file}", Access::anyone, Body::none,
                    [files](const Request& req) { return serve(*files, req.path_param("file"), req); }});
}

}  // namespace

std::vector<Route> shell_routes(CoreServices& core) {
  std::vector<Route> routes;
  // The member shell is the product's front door; the console may be off.
  auto account = load_account_files();
  // index.html holds "<!--boot-->" where the boot block goes.
  const std::string template_html = account->at("index.html")->bytes;
  const auto marker = template_html.find("<!--boot-->");
  if (marker == std::string::npos) throw std::logic_error("daemon/account_web/index.html lost its <!--boot--> marker");
  add_shell_routes(routes, "account", account, [&core, template_html, marker](const Request& req) {
    return serve_shell_page(template_html.substr(0, marker) + account_boot(core, req.caller()) +
                            template_html.substr(marker + std::string_view("<!--boot-->").size()));
  });
  if (core.console_enabled) add_shell_routes(routes, "console", load_console_files());
  return routes;
}

}  // namespace memberd
