#pragma once
// One loaded copy of a plugin's shared library.
//
// The file in plugins.dir is never loaded in place: it is copied to
// `<data_dir>/plugins/<name>-<sha256 prefix>-<generation>.so` first, because
// dlopen() hands back the already-loaded library for a path it has seen (so a
// new version at the same path would never load), and because overwriting a
// mapped file crashes the process. The staged copy is deleted on unload.
#include <memberd/plugin.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace memberd {

struct PluginLoadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// "" when `plugin` may load into this daemon; otherwise what differs, e.g.
// "SDK 2.0 (daemon offers 1.0-1.3)" or "compiler gcc 13.1 (daemon: gcc 12.2)".
std::string signature_mismatch(const BuildSignature& daemon, const BuildSignature& plugin);

class PluginLibrary {
 public:
  // Stages and loads `source`, checks its signature. Throws PluginLoadError.
  static std::shared_ptr<PluginLibrary> load(const std::filesystem::path& source,
                                             const std::filesystem::path& staging_dir, unsigned generation);
  ~PluginLibrary();

  // A new instance of the plugin; delete it before this library dies.
  Plugin* create() const;
  const std::string& sha256() const { return sha256_; }
  const std::filesystem::path& staged_path() const { return staged_; }
  // After the destructor: whether the dynamic loader really let go of the file.
  static bool still_mapped(const std::filesystem::path& staged);

 private:
  PluginLibrary() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::filesystem::path staged_;
  std::string sha256_;
};

}  // namespace memberd
