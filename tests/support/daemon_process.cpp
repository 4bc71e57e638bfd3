#include "support/daemon_process.hpp"

#include "support/contract_log.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <soci/soci.h>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

extern char** environ;

namespace memberd::test {

namespace fs = std::filesystem;

std::unique_ptr<soci::session> open_database(const std::string& url) {
  // A test writes while the daemon's workers may hold the write lock: wait
  // for it as the daemon's own connections do.
  if (url.rfind("sqlite:", 0) == 0)
    return std::make_unique<soci::session>(*soci::factory_sqlite3(), "db=" + url.substr(7) + " timeout=10");
  // postgresql://user@host:port/db -> keywords
  auto rest = url.substr(std::string("postgresql://").size());
  auto at = rest.find('@'), colon = rest.find(':', at), slash = rest.find('/', colon);
  return std::make_unique<soci::session>(
      *soci::factory_postgresql(), "dbname=" + rest.substr(slash + 1) + " host=" + rest.substr(at + 1, colon - at - 1) +
                                       " port=" + rest.substr(colon + 1, slash - colon - 1) + " user=" + rest.substr(0, at));
}

std::string env_or_fail(const char* name) {
  if (const char* v = std::getenv(name); v && *v) return v;
  static const std::map<std::string, std::string> built_in{
      {"MEMBERD_BINARY", MEMBERD_BINARY},
      {"MEMBERCTL_BINARY", MEMBERCTL_BINARY},
      {"MEMBERD_PLUGINS_DIR", MEMBERD_PLUGINS_DIR},
      {"MEMBERD_FIXTURE_PLUGINS_DIR", MEMBERD_FIXTURE_PLUGINS_DIR},
      {"MEMBERD_SOURCE_DIR", MEMBERD_SOURCE_DIR},
      {"MEMBERD_PG_URL_FILE", MEMBERD_PG_URL_FILE}};
  auto found = built_in.find(name);
  if (found == built_in.end()) FAIL(std::string("no value for ") + name);
  return found->second;
}

namespace {

std::string random_suffix() {
  static std::mt19937_64 rng{std::random_device{}()};
  std::ostringstream s;
  s << std::hex << rng();
  return s.str();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// postgresql://user@host:port/db -> libpq keywords for `dbname`.
std::string keywords_for(const std::string& url, const std::string& dbname) {
  std::smatch m;
  static const std::regex pattern(R"(postgresql://([^@]+)@([^:/]+):(\d+)/(\w+))");
  if (!std::regex_match(url, m, pattern)) FAIL("unexpected PostgreSQL URL " + url);
  return "dbname=" + dbname + " host=" + m[2].str() + " port=" + m[3].str() + " user=" + m[1].str();
}

std::string with_database(const std::string& url, const std::string& dbname) {
  return url.substr(0, url.rfind('/') + 1) + dbname;
}

}  // namespace

// Starts argv[0] with stdout and stderr to `output_fd`, stdin from
// /dev/null, and the environment plus `extra_env` (which replaces variables
// of the same name). Returns the pid, or -1.
int spawn(const std::vector<std::string>& argv, int output_fd, const std::map<std::string, std::string>& extra_env) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, output_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, output_fd, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    if (!extra_env.count(entry.substr(0, entry.find('=')))) env_strings.push_back(entry);
  }
  for (const auto& [k, v] : extra_env) env_strings.push_back(k + "=" + v);
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}


ScratchPostgres::ScratchPostgres() {
  std::string base = read_file(env_or_fail("MEMBERD_PG_URL_FILE"));
  while (!base.empty() && (base.back() == '\n' || base.back() == ' ')) base.pop_back();
  if (base.empty()) FAIL("the PostgreSQL test fixture wrote no URL (is postgres_start failing?)");
  name_ = "t_" + random_suffix();
  admin_keywords_ = keywords_for(base, "postgres");
  soci::session admin(*soci::factory_postgresql(), admin_keywords_);
  admin << "CREATE DATABASE " + name_;
  url_ = with_database(base, name_);
}

ScratchPostgres::~ScratchPostgres() {
  try {
    soci::session admin(*soci::factory_postgresql(), admin_keywords_);
    admin << "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)";
  } catch (const std::exception&) {
  }
}

nlohmann::json plugin_entry(const DaemonProcess& daemon, const std::string& name) {
  auto list = DaemonProcess::json(daemon.unix_socket()->Get("/api/v1/admin/plugins"));
  for (const auto& p : list)
    if (p["name"] == name) return p;
  FAIL("no plugin " << name << " in " << list.dump());
  return {};
}

std::string load_error(const DaemonProcess& daemon, const std::string& name) {
  auto entry = plugin_entry(daemon, name);
  INFO(entry.dump());
  CHECK(entry["state"] == "failed");
  return entry["last_error"].is_string() ? entry["last_error"].get<std::string>() : std::string();
}

std::vector<std::string> mail_messages(const DaemonProcess& daemon) {
  std::vector<std::string> out;
  std::filesystem::path dir = daemon.data_dir() + "/mail";
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".eml") continue;
    std::ifstream in(entry.path());
    std::ostringstream text;
    text << in.rdbuf();
    out.push_back(text.str());
  }
  return out;
}

int run_command(const std::vector<std::string>& argv, std::string& output,
                const std::map<std::string, std::string>& env) {
  char path[] = "/tmp/memberd-cmd-XXXXXX";
  int fd = mkstemp(path);
  pid_t pid = spawn(argv, fd, env);
  close(fd);
  if (pid < 0) {
    unlink(path);
    output = "spawn failed";
    return -1;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  output = read_file(path);
  unlink(path);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

DaemonProcess::DaemonProcess(DaemonOptions options) : options_(std::move(options)) {
  char pattern[] = "/tmp/memberd-test-XXXXXX";
  dir_ = options_.data_dir.empty() ? std::string(mkdtemp(pattern)) : options_.data_dir;
  std::string db_url = "sqlite:" + dir_ + "/memberd.db";
  if (!options_.database_url.empty()) {
    db_url = options_.database_url;
  } else if (options_.backend == "postgresql") {
    postgres_ = std::make_unique<ScratchPostgres>();
    db_url = postgres_->url();
  }
  db_url_ = db_url;
  std::string plugins_dir = options_.plugins_dir.empty() ? env_or_fail("MEMBERD_PLUGINS_DIR") : options_.plugins_dir;
  std::string enabled = "[";
  for (std::size_t i = 0; i < options_.plugins.size(); ++i) enabled += (i ? "," : "") + options_.plugins[i];
  enabled += "]";

  std::vector<std::string> argv;
  if (options_.run_as_uid != 0) {
    // The data dir (and the socket in it) belongs to the daemon's user, as
    // a packaged install's StateDirectory does.
    REQUIRE(::chown(dir_.c_str(), options_.run_as_uid, options_.run_as_uid) == 0);
    std::string id = std::to_string(options_.run_as_uid);
    argv = {"/usr/bin/setpriv", "--reuid=" + id, "--regid=" + id, "--clear-groups", "--"};
  }
  if (options_.open_files_limit != 0) {
    std::string n = std::to_string(options_.open_files_limit);
    argv.insert(argv.end(), {"/usr/bin/prlimit", "--nofile=" + n + ":" + n});
  }
  argv.insert(argv.end(), {env_or_fail("MEMBERD_BINARY"),
                                "--set", "http.listen=127.0.0.1:0",
                                "--set", "data_dir=" + dir_,
                                "--set", "socket.path=" + dir_ + "/memberd.sock",
                                "--set", "database.url=" + db_url,
                                "--set", "plugins.dir=" + plugins_dir,
                                "--set", "plugins.enabled=" + enabled,
                                // Tests hash many passwords: keep Argon2id cheap here.
                                "--set", "passwords.argon2_memory_kib=8192",
                                "--set", "passwords.argon2_iterations=1",
                                "--set", "log.level=debug",
                                // No balancer checks a test's daemon: stop at once on SIGTERM.
                                "--set", "shutdown.lame_duck=0s"});
  // MEMBERD_TEST_SETS (";"-separated key=value) reaches every daemon a test
  // run starts: how CTest runs a whole suite again under another setting,
  // such as database.pool_size=1. The test's own sets come after and win.
  if (const char* extra = std::getenv("MEMBERD_TEST_SETS")) {
    std::string all = extra;
    for (std::size_t start = 0; start < all.size();) {
      auto end = all.find(';', start);
      if (end == std::string::npos) end = all.size();
      if (end > start) {
        argv.push_back("--set");
        argv.push_back(all.substr(start, end - start));
      }
      start = end + 1;
    }
  }
  for (const auto& s : options_.sets) {
    argv.push_back("--set");
    argv.push_back(s);
  }
  std::string log_path = dir_ + "/daemon.log";
  int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  auto env = options_.env;
  // The known admin password, unless the test brings its own (admin_token()
  // then does not work).
  env.emplace("MEMBERD_ADMIN_PASSWORD", kAdminPassword);
  pid_t pid = spawn(argv, fd, env);
  close(fd);
  REQUIRE(pid > 0);
  pid_ = pid;
  if (!options_.expect_start) return;

  // 127.0.0.1 unless a test listens on every address ([::] takes IPv4 too).
  static const std::regex listening(R"(listening on https?://(?:127\.0\.0\.1|\[::\]|0\.0\.0\.0):(\d+))");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    std::string out = output();
    if (std::regex_search(out, m, listening)) {
      port_ = std::stoi(m[1].str());
      tls_ = m[0].str().find("https://") != std::string::npos;
      break;
    }
    if (!running()) FAIL("memberd exited during start-up:\n" + out);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (port_ == 0) {
    // The constructor throws: no destructor will stop this process.
    std::string out = output();
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    FAIL("memberd did not start within 30 s:\n" + out);
  }
  contract_log_ = ContractLog::for_daemon(port_, tls_);
}

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0 && running()) {
    kill(pid_, SIGTERM);
    if (wait_exit(std::chrono::seconds(20)) < 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  postgres_.reset();
  std::error_code ignored;
  if (options_.data_dir.empty()) fs::remove_all(dir_, ignored);
}

std::string DaemonProcess::output() const { return read_file(dir_ + "/daemon.log"); }

bool DaemonProcess::running() {
  if (exit_code_ >= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return false;
}

int DaemonProcess::wait_exit(std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return exit_code_;
}

void DaemonProcess::signal(int sig) { kill(pid_, sig); }

std::unique_ptr<httplib::Client> DaemonProcess::http() const {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", port_);
  client->set_read_timeout(30, 0);
  ContractLog::attach(contract_log_, *client);
  return client;
}

std::unique_ptr<httplib::SSLClient> DaemonProcess::https() const {
  auto client = std::make_unique<httplib::SSLClient>("127.0.0.1", port_);
  client->enable_server_certificate_verification(false);
  client->set_read_timeout(30, 0);
  ContractLog::attach(contract_log_, *client);
  return client;
}

std::unique_ptr<httplib::Client> DaemonProcess::unix_socket() const {
  auto client = std::make_unique<httplib::Client>(socket_path());
  client->set_address_family(AF_UNIX);
  client->set_read_timeout(30, 0);
  ContractLog::attach(contract_log_, *client);
  return client;
}

std::string DaemonProcess::admin_token() const {
  auto res = http()->Post("/api/v1/admin/session",
                          nlohmann::json{{"email", kAdminEmail}, {"password", kAdminPassword}}.dump(),
                          "application/json");
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 201);
  return nlohmann::json::parse(res->body).at("token").get<std::string>();
}

nlohmann::json DaemonProcess::json(const httplib::Result& result) {
  REQUIRE(result);
  auto parsed = nlohmann::json::parse(result->body, nullptr, false);
  INFO(result->body);
  REQUIRE_FALSE(parsed.is_discarded());
  return parsed;
}

}  // namespace memberd::test
