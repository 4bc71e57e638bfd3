#pragma once
// A plugin version's web (Host::add_ui_files / add_ui, SDK 2.2): its files
// copied into the host's memory with their ETags, its shell entries, the
// checks both pass before the version may load, and the routes that serve
// the files — part of the version's own route set, so they swap with it.
#include <memberd/embedded_file.hpp>
#include <memberd/http.hpp>
#include <memberd/reviews.hpp>
#include <memberd/ui.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace memberd {

struct UiFile {
  std::string bytes;
  std::string etag;          // strong: "\"<32 hex digits of SHA-256>\""
  std::string content_type;
};

struct PluginUi {
  std::map<std::string, std::shared_ptr<const UiFile>> files;  // by path
  std::vector<UiEntry> entries;
  std::vector<ReviewKind> review_kinds;  // Host::add_review_kind (2.9)
  // Each entry module's static imports of the plugin's own files,
  // transitively (module_imports.hpp), found once by index_imports().
  std::map<std::string, std::vector<std::string>> module_imports;

  // Copies `files` in. Throws std::invalid_argument naming a malformed or
  // repeated path.
  void add_files(const std::vector<EmbeddedFile>& files);
  // Throws std::invalid_argument naming the first entry that breaks a rule
  // of Host::add_ui(), or the first review kind that breaks one of
  // Host::add_review_kind().
  void check(std::string_view plugin) const;
  // Fills module_imports for every entry's module. Fails: never.
  void index_imports();
  // GET routes for every file under /account/plugins/<plugin>/ and
  // /console/plugins/<plugin>/.
  std::vector<Route> routes(const std::string& plugin) const;
  // Where the shell loads `path` from: its address with the file's ETag as
  // a version (?v=...), so a swapped plugin's module is a new URL.
  std::string url(UiShell shell, const std::string& plugin, const std::string& path) const;
  // url() of each of `paths`.
  std::vector<std::string> urls(UiShell shell, const std::string& plugin, const std::vector<std::string>& paths) const;
  // Where the browser asks for the files `module` imports: their addresses
  // as it resolves them against the module's (no ?v=, which the import
  // specifiers do not carry).
  std::vector<std::string> import_urls(UiShell shell, const std::string& plugin, const std::string& module) const;
};

// The answer for one embedded file: 200 with its bytes, or 304 when the
// request's If-None-Match names its ETag; the shells' security headers on
// both. Shared by the console's own files and the plugins'.
Response serve_ui_file(const UiFile& file, const Request& request);
// A shell page made for one request (it holds the caller's own data): the
// same security headers, never stored by a cache.
Response serve_shell_page(std::string html);
// text/javascript, text/css, image/svg+xml, image/png, font/woff2,
// text/html; application/octet-stream for anything else.
std::string ui_content_type(std::string_view path);
// A UiFile of `bytes` at `path` (its ETag computed).
UiFile make_ui_file(std::string_view path, std::string_view bytes);

}  // namespace memberd
