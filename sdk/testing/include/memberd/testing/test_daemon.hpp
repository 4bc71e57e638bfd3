#pragma once
// The plugin author's test kit (SDK 2.10; find_package(memberd_sdk 2.10
// COMPONENTS testing), target memberd::testing): a real memberd started for
// one test with your plugin in it, on a free loopback port with a temporary
// data directory and SQLite file, stopped and removed when the object dies.
// It is no mock: your routes, migrations, mail and review kinds run in the
// daemon your operators run. Framework-neutral: failures are exceptions
// (std::runtime_error, with the daemon's output), which any test framework
// reports.
//
// Where things come from, each overridable by an environment variable:
//   MEMBERD_BINARY       the daemon (default: the installed one);
//   MEMBERD_PLUGINS_DIR  the installed plugins your test also needs, such as
//                        credentials for members (default: the installed dir).
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace memberd::testing {

struct TestDaemonOptions {
  // Your built plugin files (<name>.so) and any program a plugin ships
  // (Host::plugin_program), copied into the daemon's own plugins.dir.
  std::vector<std::string> plugin_files;
  // plugins.enabled. Each name is taken from plugin_files or, failing that,
  // from MEMBERD_PLUGINS_DIR. Default: "credentials" (members can join and
  // sign in) and every .so of plugin_files.
  std::vector<std::string> enabled;
  // Extra `--set key=value`, after the kit's own (so they win): your
  // plugin's settings ("hello.greeting=hi").
  std::vector<std::string> sets;
  // Whether the constructor throws, with each plugin's last_error, when an
  // enabled plugin did not load. Off to test a plugin that must not load.
  bool require_loaded = true;
};

class TestDaemon {
 public:
  // The bootstrap admin every test daemon has (admin_token()).
  static constexpr const char* admin_email = "admin@memberd.local";

  // Starts the daemon and waits (up to 30 s) until it listens. Throws
  // std::runtime_error with its output when it exits or does not listen,
  // a file or plugin is missing, or (require_loaded) a plugin failed to load.
  explicit TestDaemon(TestDaemonOptions options = {});
  // SIGTERM, up to 20 s for it to stop (then SIGKILL), then its directory goes.
  ~TestDaemon();
  TestDaemon(const TestDaemon&) = delete;
  TestDaemon& operator=(const TestDaemon&) = delete;

  int port() const { return port_; }
  // Its data_dir; its Unix socket is socket_path().
  const std::string& data_dir() const { return dir_; }
  std::string socket_path() const { return dir_ + "/memberd.sock"; }
  // Everything it logged so far.
  std::string output() const;
  // A client to http://127.0.0.1:<port> (30 s read timeout).
  std::unique_ptr<httplib::Client> http() const;
  // A client on its Unix socket: the operator, with the admin role.
  std::unique_ptr<httplib::Client> operator_socket() const;
  // A bearer token of the bootstrap admin (POST /api/v1/admin/session).
  // Throws when the sign-in fails.
  std::string admin_token() const;
  // Plugin `name`'s entry of GET /api/v1/admin/plugins ({"state",
  // "last_error", ...}). Throws when there is none.
  nlohmann::json plugin(std::string_view name) const;
  // The mail it wrote so far (the `file` transport: data_dir/mail/*.eml),
  // each message as its text, oldest first.
  std::vector<std::string> mail() const;

 private:
  // Stops the process (SIGTERM, then SIGKILL after 20 s) and removes the directory.
  void stop() noexcept;
  // Throws naming each of `names` whose state is not "loaded".
  void require_loaded(const std::vector<std::string>& names) const;

  std::string dir_;
  int pid_ = -1;
  int port_ = 0;
};

}  // namespace memberd::testing
