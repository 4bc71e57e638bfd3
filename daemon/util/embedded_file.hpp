#pragma once
// A file compiled into the binary by memberd_embed_files() (cmake/EmbedFiles.cmake):
// the console's HTML/CSS/JS and the SQL migrations. The bytes live in static
// arrays for the whole life of the process, so the views never dangle.

#include <algorithm>
#include <string_view>
#include <vector>

namespace memberd {

struct EmbeddedFile {
  // Relative to the BASE_DIR given to memberd_embed_files(), with forward
  // slashes and no leading "./" (e.g. "index.html", "sqlite/0001_core.sql").
  std::string_view path;
  // The file's exact bytes. Binary-safe: may contain NULs and is not
  // NUL-terminated, so never pass data.data() where a C string is expected.
  std::string_view data;
};

// The entry whose path is exactly `path`, or nullptr. The generated lists are
// sorted by path (byte-wise), which is what makes the binary search valid.
inline const EmbeddedFile* find_embedded_file(const std::vector<EmbeddedFile>& files,
                                              std::string_view path) {
  const auto it = std::lower_bound(
      files.begin(), files.end(), path,
      [](const EmbeddedFile& f, std::string_view p) { return f.path < p; });
  return it != files.end() && it->path == path ? &*it : nullptr;
}

}  // namespace memberd
