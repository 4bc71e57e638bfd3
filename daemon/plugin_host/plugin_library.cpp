#include "plugin_host/plugin_library.hpp"

#include "plugin_host/trusted_plugin_file.hpp"
#include "util/crypto.hpp"

#include <boost/dll/shared_library.hpp>

#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace memberd {

namespace {

// BOOST_VERSION 107400 is 1.74.0; SOCI_VERSION 400003 is 4.0.3; the
// signature's nlohmann_json 31102 is 3.11.2.
std::string boost_version_text(std::uint32_t v) {
  return std::to_string(v / 100000) + "." + std::to_string(v / 100 % 1000) + "." + std::to_string(v % 100);
}
std::string soci_version_text(std::uint32_t v) {
  return std::to_string(v / 100000) + "." + std::to_string(v / 100 % 1000) + "." + std::to_string(v % 100);
}
std::string json_version_text(std::uint32_t v) {
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
}

}  // namespace

std::string signature_mismatch(const BuildSignature& daemon, const BuildSignature& plugin) {
  // Only sdk_major and sdk_minor are read before the major version agrees:
  // an older major version's signature may be shorter than ours.
  if (plugin.sdk_major != daemon.sdk_major)
    return "SDK " + std::to_string(plugin.sdk_major) + "." + std::to_string(plugin.sdk_minor) +
           ", but this daemon offers SDK " + std::to_string(daemon.sdk_major) + ".0-" +
           std::to_string(daemon.sdk_major) + "." + std::to_string(daemon.sdk_minor) +
           " (a plugin must be rebuilt against the installed SDK for a new major version)";
  if (plugin.sdk_minor > daemon.sdk_minor)
    return "SDK " + std::to_string(plugin.sdk_major) + "." + std::to_string(plugin.sdk_minor) +
           ", newer than this daemon's SDK " + std::to_string(daemon.sdk_major) + "." +
           std::to_string(daemon.sdk_minor) + " (upgrade the daemon)";
  std::string plugin_compiler(plugin.compiler, strnlen(plugin.compiler, sizeof plugin.compiler));
  std::string daemon_compiler(daemon.compiler, strnlen(daemon.compiler, sizeof daemon.compiler));
  if (plugin_compiler != daemon_compiler)
    return "compiler " + plugin_compiler + " (daemon: " + daemon_compiler + ")";
  if (plugin.cxx11_abi != daemon.cxx11_abi)
    return "_GLIBCXX_USE_CXX11_ABI=" + std::to_string(plugin.cxx11_abi) + " (daemon: " +
           std::to_string(daemon.cxx11_abi) + ")";
  if (plugin.boost_version != daemon.boost_version)
    return "Boost " + boost_version_text(plugin.boost_version) + " (daemon: " +
           boost_version_text(daemon.boost_version) + ")";
  if (plugin.soci_version != daemon.soci_version)
    return "SOCI " + soci_version_text(plugin.soci_version) + " (daemon: " + soci_version_text(daemon.soci_version) +
           ")";
  if (plugin.nlohmann_json_version != daemon.nlohmann_json_version)
    return "nlohmann_json " + json_version_text(plugin.nlohmann_json_version) + " (daemon: " +
           json_version_text(daemon.nlohmann_json_version) + ")";
  return {};
}

struct PluginLibrary::Impl {
  boost::dll::shared_library library;
  PluginFactory factory = nullptr;
};

std::shared_ptr<PluginLibrary> PluginLibrary::load(const std::filesystem::path& source,
                                                   const std::filesystem::path& staging_dir, unsigned generation) {
  return load_staged(stage(source, staging_dir, generation));
}

StagedPlugin PluginLibrary::stage(const std::filesystem::path& source, const std::filesystem::path& staging_dir,
                                  unsigned generation) {
  std::string bytes = read_trusted_plugin_file(source, source.parent_path());
  std::string sha256 = sha256_hex(bytes);
  std::string name = source.stem().string() + "-" + sha256.substr(0, 16) + "-" + std::to_string(generation) + ".so";
  return {stage_copy(staging_dir, name, bytes), std::move(sha256), source.filename().string()};
}

std::shared_ptr<PluginLibrary> PluginLibrary::load_staged(StagedPlugin staged) {
  std::shared_ptr<PluginLibrary> self(new PluginLibrary());
  self->sha256_ = std::move(staged.sha256);
  self->staged_ = staged.copy.path;
  const std::string& shown = staged.file_name;
  const std::string loadable = loadable_path(staged.copy);
  self->file_ = std::move(staged.copy.file);

  self->impl_ = std::make_unique<Impl>();
  try {
    // boost::dll hands an absolute path to dlopen() as it is.
    self->impl_->library.load(boost::dll::fs::path(loadable),
                              boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now);
  } catch (const std::exception& e) {
    // The loader's message names the descriptor's path; say the operator's file name instead.
    std::string reason = e.what();
    for (auto at = reason.find(loadable); at != std::string::npos; at = reason.find(loadable))
      reason.replace(at, loadable.size(), shown);
    throw PluginLoadError(shown + " is not a loadable library: " + reason);
  }
  auto& lib = self->impl_->library;
  if (!lib.has("memberd_build_signature") || !lib.has("memberd_create_plugin"))
    throw PluginLoadError(shown + " is not a memberd plugin (no MEMBERD_PLUGIN exports)");
  auto get_signature = lib.get_alias<const BuildSignature*()>("memberd_build_signature");
  const BuildSignature* signature = get_signature();
  constexpr BuildSignature daemon_signature = this_build_signature();
  if (auto differs = signature_mismatch(daemon_signature, *signature); !differs.empty())
    throw PluginLoadError(shown + " was built for a different ABI: " + differs);
  self->impl_->factory = &lib.get_alias<Plugin*()>("memberd_create_plugin");
  return self;
}

PluginLibrary::~PluginLibrary() {
  if (impl_) {
    impl_->library.unload();
    impl_.reset();
  }
  if (staged_.empty()) return;
  if (still_mapped(staged_)) {
    // The loader still knows the library by its descriptor's number: keep
    // the number taken, or a later load could be handed this library.
    (void)file_.release();
    return;
  }
  std::error_code ignored;
  std::filesystem::remove(staged_, ignored);
}

Plugin* PluginLibrary::create() const { return impl_->factory(); }

bool PluginLibrary::still_mapped(const std::filesystem::path& staged) {
  void* handle = dlopen(staged.c_str(), RTLD_LAZY | RTLD_NOLOAD);
  if (!handle) return false;
  dlclose(handle);
  return true;
}

}  // namespace memberd
