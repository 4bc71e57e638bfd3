#include <memberd/testing/test_daemon.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace memberd::testing {

namespace fs = std::filesystem;

namespace {

// Known to the kit only: the bootstrap admin's password of a test daemon.
constexpr const char* kAdminPassword = "a test kit passphrase for the console";

std::string setting(const char* variable, const char* installed) {
  const char* value = std::getenv(variable);
  return value && *value ? value : installed;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Copies `from` to dir/<its name>, executable, as an operator installs it.
void install_file(const fs::path& from, const fs::path& dir) {
  if (!fs::is_regular_file(from)) throw std::runtime_error("memberd test kit: no plugin file " + from.string());
  const fs::path to = dir / from.filename();
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  fs::permissions(to, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                          fs::perms::others_exec);
}

std::string list_of(const std::vector<std::string>& names) {
  std::string out = "[";
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? "," : "") + names[i];
  return out + "]";
}

// Starts argv with stdout and stderr to `log_fd` and MEMBERD_ADMIN_PASSWORD set.
int spawn_daemon(const std::vector<std::string>& argv, int log_fd) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e)
    if (std::string_view(*e).rfind("MEMBERD_ADMIN_PASSWORD=", 0) != 0) env_strings.emplace_back(*e);
  env_strings.push_back(std::string("MEMBERD_ADMIN_PASSWORD=") + kAdminPassword);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, log_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, log_fd, 2);
  pid_t pid = -1;
  const int failed = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  return failed ? -1 : pid;
}

}  // namespace

TestDaemon::TestDaemon(TestDaemonOptions options) {
  char pattern[] = "/tmp/memberd-kit-XXXXXX";
  if (!mkdtemp(pattern)) throw std::runtime_error("memberd test kit: mkdtemp failed");
  dir_ = pattern;
  try {
    // Not data_dir/plugins: the daemon stages the libraries it loads there.
    const fs::path plugins = fs::path(dir_) / "plugin-files";
    fs::create_directory(plugins);
    fs::permissions(plugins, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                 fs::perms::others_read | fs::perms::others_exec);
    std::vector<std::string> own;
    for (const auto& file : options.plugin_files) {
      install_file(file, plugins);
      if (fs::path(file).extension() == ".so") own.push_back(fs::path(file).stem().string());
    }
    std::vector<std::string> enabled = options.enabled;
    if (enabled.empty()) {
      enabled.push_back("credentials");
      for (const auto& name : own)
        if (std::find(enabled.begin(), enabled.end(), name) == enabled.end()) enabled.push_back(name);
    }
    const fs::path installed = setting("MEMBERD_PLUGINS_DIR", MEMBERD_TESTING_PLUGINS_DIR);
    for (const auto& name : enabled)
      if (!fs::exists(plugins / (name + ".so"))) install_file(installed / (name + ".so"), plugins);

    std::vector<std::string> argv = {setting("MEMBERD_BINARY", MEMBERD_TESTING_BINARY),
                                     "--set", "http.listen=127.0.0.1:0",
                                     "--set", "data_dir=" + dir_,
                                     "--set", "socket.path=" + socket_path(),
                                     "--set", "database.url=sqlite:" + dir_ + "/memberd.db",
                                     "--set", "plugins.dir=" + plugins.string(),
                                     "--set", "plugins.enabled=" + list_of(enabled),
                                     // Tests hash many passwords: keep Argon2id cheap.
                                     "--set", "passwords.argon2_memory_kib=8192",
                                     "--set", "passwords.argon2_iterations=1",
                                     // No balancer checks a test's daemon: stop at
                                     // once on SIGTERM (no lame duck).
                                     "--set", "shutdown.lame_duck=0s"};
    for (const auto& s : options.sets) argv.insert(argv.end(), {"--set", s});
    const int log_fd = open((dir_ + "/daemon.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (log_fd < 0) throw std::runtime_error("memberd test kit: cannot write " + dir_ + "/daemon.log");
    pid_ = spawn_daemon(argv, log_fd);
    close(log_fd);
    if (pid_ < 0) throw std::runtime_error("memberd test kit: cannot start " + argv[0]);

    static const std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+))");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      std::smatch m;
      const std::string out = output();
      if (std::regex_search(out, m, listening)) {
        port_ = std::stoi(m[1].str());
        if (options.require_loaded) require_loaded(enabled);
        return;
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("memberd exited while starting:\n" + out);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("memberd did not listen within 30 s:\n" + output());
  } catch (...) {
    stop();  // the constructor throws: no destructor will run
    throw;
  }
}

TestDaemon::~TestDaemon() { stop(); }

void TestDaemon::require_loaded(const std::vector<std::string>& names) const {
  std::string failures;
  for (const auto& name : names) {
    const auto entry = plugin(name);
    if (entry.value("state", "") != "loaded") failures += "\n  " + name + ": " + entry.dump();
  }
  if (!failures.empty()) throw std::runtime_error("memberd test kit: plugins did not load:" + failures + "\n" + output());
}

void TestDaemon::stop() noexcept {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
  }
  if (!dir_.empty()) {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
    dir_.clear();
  }
}

std::string TestDaemon::output() const { return read_file(dir_ + "/daemon.log"); }

std::unique_ptr<httplib::Client> TestDaemon::http() const {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", port_);
  client->set_read_timeout(30, 0);
  return client;
}

std::unique_ptr<httplib::Client> TestDaemon::operator_socket() const {
  auto client = std::make_unique<httplib::Client>(socket_path());
  client->set_address_family(AF_UNIX);
  client->set_read_timeout(30, 0);
  return client;
}

std::string TestDaemon::admin_token() const {
  auto res = http()->Post("/api/v1/admin/session",
                          nlohmann::json{{"email", admin_email}, {"password", kAdminPassword}}.dump(),
                          "application/json");
  if (!res || res->status != 201)
    throw std::runtime_error("memberd test kit: the admin's sign-in failed: " + (res ? res->body : "no answer"));
  return nlohmann::json::parse(res->body).at("token").get<std::string>();
}

nlohmann::json TestDaemon::plugin(std::string_view name) const {
  auto res = operator_socket()->Get("/api/v1/admin/plugins");
  if (!res || res->status != 200)
    throw std::runtime_error("memberd test kit: GET /api/v1/admin/plugins failed: " + (res ? res->body : "no answer"));
  for (const auto& entry : nlohmann::json::parse(res->body))
    if (entry.value("name", "") == name) return entry;
  throw std::runtime_error("memberd test kit: no plugin " + std::string(name) + " in " + res->body);
}

std::vector<std::string> TestDaemon::mail() const {
  std::vector<fs::path> files;
  const fs::path dir = fs::path(dir_) / "mail";
  if (fs::exists(dir))
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.path().extension() == ".eml") files.push_back(entry.path());
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return fs::last_write_time(a) < fs::last_write_time(b) || (fs::last_write_time(a) == fs::last_write_time(b) && a < b);
  });
  std::vector<std::string> out;
  for (const auto& file : files) out.push_back(read_file(file));
  return out;
}

}  // namespace memberd::testing
