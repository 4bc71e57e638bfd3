#pragma once
// One loaded copy of a plugin's shared library.
//
// The file in plugins.dir is never loaded in place: it is copied to
// `<data_dir>/plugins/<name>-<sha256 prefix>-<generation>.so` first, because
// dlopen() hands back the already-loaded library for a path it has seen (so a
// new version at the same path would never load), and because overwriting a
// mapped file crashes the process. The staged copy is deleted on unload.
// It is loaded through the descriptor that wrote it (staging_dir.hpp), so
// what runs is always the checked copy.
#include <memberd/plugin.hpp>

#include "plugin_host/staging_dir.hpp"

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

// A plugin file's checked bytes, staged and not yet loaded.
struct StagedPlugin {
  StagedCopy copy;
  std::string sha256;     // of the bytes
  std::string file_name;  // the operator's name for it, "profile.so", for messages
};

class PluginLibrary {
 public:
  // Stages and loads `source`, checks its signature. Throws PluginLoadError.
  // The same as load_staged(stage(...)).
  static std::shared_ptr<PluginLibrary> load(const std::filesystem::path& source,
                                             const std::filesystem::path& staging_dir, unsigned generation);
  // load()'s two steps, apart so that a test can act between them as an
  // attacker would. stage() reads `source` through the trust check
  // (trusted_plugin_file.hpp) and copies those bytes to
  // `<staging_dir>/<name>-<sha256 prefix>-<generation>.so`; load_staged()
  // maps the copy its descriptor holds, whatever file is at that path by
  // then. Both throw PluginLoadError.
  static StagedPlugin stage(const std::filesystem::path& source, const std::filesystem::path& staging_dir,
                            unsigned generation);
  static std::shared_ptr<PluginLibrary> load_staged(StagedPlugin staged);
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
  // Open while the library may be mapped: the loader knows it as
  // /proc/self/fd/<this number>, so the number must not name another file
  // meanwhile (dlopen() would hand back this library for that name).
  FileDescriptor file_;
  std::string sha256_;
};

}  // namespace memberd
