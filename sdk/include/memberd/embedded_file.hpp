#pragma once
// Files compiled into a binary by the build's memberd_embed_files() (the
// SDK's CMake package has it): a plugin's SQL migrations, the console's
// assets. The bytes live in static arrays for the whole life of the library,
// so the views never dangle while it is loaded.
#include <algorithm>
#include <string_view>
#include <vector>

namespace memberd {

struct EmbeddedFile {
  // Relative to the BASE_DIR given to memberd_embed_files(), with forward
  // slashes ("sqlite/001_init.sql").
  std::string_view path;
  // The exact bytes; not NUL-terminated.
  std::string_view data;
};

// The entry whose path is exactly `path`, or nullptr (the lists are sorted).
inline const EmbeddedFile* find_embedded_file(const std::vector<EmbeddedFile>& files, std::string_view path) {
  const auto it = std::lower_bound(files.begin(), files.end(), path,
                                   [](const EmbeddedFile& f, std::string_view p) { return f.path < p; });
  return it != files.end() && it->path == path ? &*it : nullptr;
}

}  // namespace memberd
