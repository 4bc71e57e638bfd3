#pragma once
// A plugin's migrations from SQL files compiled in with memberd_embed_files():
//
//   memberd_embed_files(NAME mine_schema NAMESPACE mine::schema FUNCTION files
//     BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/schema FILES ${sql_files})
//
//   std::vector<memberd::Migration> migrations() const override {
//     return memberd::migrations_from_files(mine::schema::files());
//   }
#include <memberd/embedded_file.hpp>
#include <memberd/migration.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace memberd {

// Migrations from files laid out as `<backend>/<NNN>_<name>.sql`, backend
// being `sqlite` or `postgresql`: one Migration per NNN with both bodies.
// Throws std::invalid_argument for a file that does not follow the layout.
inline std::vector<Migration> migrations_from_files(const std::vector<EmbeddedFile>& files) {
  std::map<int, Migration> steps;
  for (const auto& file : files) {
    auto slash = file.path.find('/');
    auto underscore = file.path.find('_', slash == std::string_view::npos ? 0 : slash);
    auto dot = file.path.rfind(".sql");
    if (slash == std::string_view::npos || underscore == std::string_view::npos || dot == std::string_view::npos ||
        dot < underscore)
      throw std::invalid_argument("migration file " + std::string(file.path) + " is not <backend>/<NNN>_<name>.sql");
    std::string backend(file.path.substr(0, slash));
    int version = std::stoi(std::string(file.path.substr(slash + 1, underscore - slash - 1)));
    auto& step = steps[version];
    step.version = version;
    step.name = std::string(file.path.substr(underscore + 1, dot - underscore - 1));
    if (backend == "sqlite") step.sqlite = std::string(file.data);
    else if (backend == "postgresql") step.postgresql = std::string(file.data);
    else throw std::invalid_argument("migration file " + std::string(file.path) + ": unknown backend " + backend);
  }
  std::vector<Migration> out;
  for (auto& [version, step] : steps) out.push_back(std::move(step));
  return out;
}

}  // namespace memberd
