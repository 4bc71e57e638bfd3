#include "plugin_host/ui_assets.hpp"

#include "plugin_host/module_imports.hpp"
#include "util/crypto.hpp"
#include "util/review_kind_names.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace memberd {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A relative path of plain segments: it becomes part of a route pattern and
// of a URL, so nothing that could climb out or need escaping.
bool plain_path(std::string_view path) {
  if (path.empty() || path.size() > 200 || path.front() == '/' || path.back() == '/') return false;
  for (char c : path)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '/')) return false;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    auto segment = path.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    start = end + 1;
  }
  return true;
}

bool plain_id(std::string_view id) {
  if (id.empty() || id.size() > 40) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

const char* prefix(UiShell shell) { return shell == UiShell::account ? "/account/plugins/" : "/console/plugins/"; }

}  // namespace

std::string ui_content_type(std::string_view path) {
  if (ends_with(path, ".js") || ends_with(path, ".mjs")) return "text/javascript; charset=utf-8";
  if (ends_with(path, ".css")) return "text/css; charset=utf-8";
  if (ends_with(path, ".html")) return "text/html; charset=utf-8";
  if (ends_with(path, ".svg")) return "image/svg+xml";
  if (ends_with(path, ".png")) return "image/png";
  if (ends_with(path, ".woff2")) return "font/woff2";
  return "application/octet-stream";
}

UiFile make_ui_file(std::string_view path, std::string_view bytes) {
  return UiFile{std::string(bytes), "\"" + sha256_hex(bytes).substr(0, 32) + "\"", ui_content_type(path)};
}

namespace {

// The shells run no inline code and load nothing from elsewhere.
void add_shell_headers(Response& r, const char* cache_control) {
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
                         "form-action 'self'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cache-Control", cache_control);
}

}  // namespace

Response serve_ui_file(const UiFile& file, const Request& request) {
  Response r{200, file.content_type, file.bytes, {}};
  // If-None-Match may list several tags; a strong comparison on each.
  if (auto given = request.header("If-None-Match"); given && given->find(file.etag) != std::string::npos) {
    r.status = 304;
    r.body.clear();
  }
  // The browser revalidates on every navigation (no-cache, not no-store),
  // so a swapped plugin's files are picked up by the next page.
  r.headers = {{"ETag", file.etag}};
  add_shell_headers(r, "no-cache");
  return r;
}

Response serve_shell_page(std::string html) {
  Response r{200, "text/html; charset=utf-8", std::move(html), {}};
  add_shell_headers(r, "no-store");
  return r;
}

void PluginUi::add_files(const std::vector<EmbeddedFile>& given) {
  for (const auto& file : given) {
    std::string path(file.path);
    if (!plain_path(path))
      throw std::invalid_argument("UI file \"" + path +
                                  "\" is not a plain relative path (segments of A-Z a-z 0-9 . _ -, no . or ..)");
    if (files.count(path)) throw std::invalid_argument("UI file \"" + path + "\" is given twice");
    files.emplace(path, std::make_shared<const UiFile>(make_ui_file(path, file.data)));
  }
}

void PluginUi::check(std::string_view plugin) const {
  std::set<std::pair<UiShell, std::string>> seen;
  for (const auto& entry : entries) {
    std::string where = std::string(plugin) + " UI entry \"" + entry.id + "\"";
    if (!plain_id(entry.id)) throw std::invalid_argument(where + ": the id must be 1-40 of a-z, 0-9 and -");
    if (!seen.emplace(entry.shell, entry.id).second) throw std::invalid_argument(where + " is added twice");
    if (entry.title.empty() || entry.title.size() > 80) throw std::invalid_argument(where + ": the title must be 1-80 bytes");
    if (!files.count(entry.module))
      throw std::invalid_argument(where + ": its module \"" + entry.module + "\" is not among the UI files");
    for (const auto& style : entry.styles)
      if (!files.count(style)) throw std::invalid_argument(where + ": its style \"" + style + "\" is not among the UI files");
    if (entry.shell == UiShell::console && entry.access != Access::admin)
      throw std::invalid_argument(where + ": a console panel must need Access::admin");
  }
  std::set<std::string> kinds;
  for (const auto& kind : review_kinds) {
    std::string where = std::string(plugin) + " review kind \"" + kind.kind + "\"";
    if (!is_review_kind(kind.kind))
      throw std::invalid_argument(where + ": a kind is a-z, 0-9, _ and ., at most 64 characters");
    if (!is_own_review_kind(plugin, kind.kind))
      throw std::invalid_argument(where + ": a plugin declares only its own kinds, " + std::string(plugin) + " or " +
                                  std::string(plugin) + ".<word>");
    if (!kinds.insert(kind.kind).second) throw std::invalid_argument(where + " is declared twice");
    if (kind.title.empty() || kind.title.size() > 40) throw std::invalid_argument(where + ": the title must be 1-40 bytes");
    if (kind.reject_reasons.size() > 50) throw std::invalid_argument(where + ": at most 50 reject reasons");
    for (const auto& reason : kind.reject_reasons)
      if (reason.empty() || reason.size() > 500)
        throw std::invalid_argument(where + ": each reject reason must be 1-500 bytes");
    if (!kind.module.empty() && !files.count(kind.module))
      throw std::invalid_argument(where + ": its module \"" + kind.module + "\" is not among the UI files");
    for (const auto& style : kind.styles)
      if (!files.count(style)) throw std::invalid_argument(where + ": its style \"" + style + "\" is not among the UI files");
  }
}

std::vector<Route> PluginUi::routes(const std::string& plugin) const {
  std::vector<Route> out;
  for (const auto& [path, file] : files) {
    for (UiShell shell : {UiShell::account, UiShell::console}) {
      out.push_back({"GET", prefix(shell) + plugin + "/" + path, Access::anyone, Body::none,
                     [file = file](const Request& request) { return serve_ui_file(*file, request); }});
    }
  }
  return out;
}

void PluginUi::index_imports() {
  auto text = [this](const std::string& path) -> const std::string* {
    auto it = files.find(path);
    return it == files.end() ? nullptr : &it->second->bytes;
  };
  for (const auto& entry : entries)
    if (!module_imports.count(entry.module)) module_imports[entry.module] = imported_files(entry.module, text);
}

std::vector<std::string> PluginUi::import_urls(UiShell shell, const std::string& plugin,
                                               const std::string& module) const {
  std::vector<std::string> out;
  auto found = module_imports.find(module);
  if (found != module_imports.end())
    for (const auto& path : found->second) out.push_back(prefix(shell) + plugin + "/" + path);
  return out;
}

std::string PluginUi::url(UiShell shell, const std::string& plugin, const std::string& path) const {
  auto it = files.find(path);
  std::string version = it == files.end() ? "" : it->second->etag.substr(1, 12);
  return prefix(shell) + plugin + "/" + path + "?v=" + version;
}

std::vector<std::string> PluginUi::urls(UiShell shell, const std::string& plugin,
                                        const std::vector<std::string>& paths) const {
  std::vector<std::string> out;
  for (const auto& path : paths) out.push_back(url(shell, plugin, path));
  return out;
}

}  // namespace memberd
