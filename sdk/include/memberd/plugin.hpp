#pragma once
// The plugin contract. A plugin is a shared library with one class that
// implements `memberd::Plugin`, exported with `MEMBERD_PLUGIN(ClassName)`:
//
//   #include <memberd/plugin.hpp>
//   class Hello final : public memberd::Plugin {
//     memberd::PluginInfo info() const override { return {"hello", "1.0.0", "says hello"}; }
//     void start(memberd::Host& host, const memberd::Config&) override {
//       host.add_route({"GET", "/api/v1/hello", memberd::Access::anyone, memberd::Body::none,
//                       [](const memberd::Request&) { return memberd::Response{200, "text/plain", "hi\n"}; }});
//     }
//   };
//   MEMBERD_PLUGIN(Hello)
//
// Life cycle, in order, all on the daemon's single loader thread:
//   1. the library is copied to a staging path and loaded (RTLD_LOCAL),
//   2. its build signature is checked (version.hpp),
//   3. `info()`, `config_schema()`: its config section is validated,
//   4. `migrations()` not yet recorded in `schema_migrations` are applied,
//      each in its own transaction,
//   5. `start()`: register routes and subscriptions; throw to refuse to start,
//   6. its routes are published (atomically replacing an older version's),
//   7. later, when it is replaced or the daemon stops, and once the last
//      request using it has finished: `stop()`, then the library unloads.
// A failure in 1-5 leaves the previous version (if any) serving, and the
// error is shown in `GET /api/v1/admin/plugins` as `last_error`.
//
// Build flags: the SDK's CMake package sets `-fvisibility=hidden` and
// `-fno-gnu-unique` on `memberd_add_plugin()` targets. Without
// `-fno-gnu-unique`, GCC marks some template statics as GNU-unique symbols and
// the library can never be unloaded, so a hot swap would leak it.

#include <memberd/config.hpp>
#include <memberd/host.hpp>
#include <memberd/http.hpp>
#include <memberd/migration.hpp>
#include <memberd/version.hpp>

#include <boost/config.hpp>
#include <boost/dll/alias.hpp>

#include <string>
#include <vector>

namespace memberd {

struct PluginInfo {
  std::string name;     // [a-z_]+, also its config section and table prefix
  std::string version;  // semantic version of the plugin
  std::string description;
};

class Plugin {
 public:
  virtual ~Plugin() = default;
  virtual PluginInfo info() const = 0;
  virtual std::vector<Migration> migrations() const { return {}; }
  virtual std::vector<ConfigKey> config_schema() const { return {}; }
  // Register routes and subscriptions; keep `host` for later. `config` is
  // this plugin's validated section and lives as long as the plugin.
  virtual void start(Host& host, const Config& config) = 0;
  // Called once, after the last request using this version finished. Stop
  // your own threads here; no handler of yours is running or will run.
  virtual void stop() {}
};

using PluginFactory = Plugin* (*)();
using SignatureGetter = const BuildSignature* (*)();

}  // namespace memberd

// Exports the factory and the build signature. Use once per plugin library,
// at namespace scope, outside any namespace.
#define MEMBERD_PLUGIN(PluginClass)                                                \
  namespace memberd_plugin_exports {                                               \
  ::memberd::Plugin* create_plugin() { return new PluginClass(); }                 \
  const ::memberd::BuildSignature* build_signature() {                             \
    static constexpr ::memberd::BuildSignature signature =                         \
        ::memberd::this_build_signature();                                         \
    return &signature;                                                             \
  }                                                                                \
  }                                                                                \
  BOOST_DLL_ALIAS(memberd_plugin_exports::create_plugin, memberd_create_plugin)    \
  BOOST_DLL_ALIAS(memberd_plugin_exports::build_signature, memberd_build_signature)

// Last, once PluginInfo is declared: the frozen structs' sizes, checked.
#include <memberd/frozen_structs.hpp>
