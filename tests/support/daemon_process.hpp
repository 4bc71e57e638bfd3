#pragma once
// A real memberd, started as a child process for one test: its own temporary
// data directory, a free loopback port (the daemon binds port 0 and reports
// the one it got), its own SQLite file or its own PostgreSQL database.
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace memberd::test {

class ContractLog;

inline const char* kAdminEmail = "admin@memberd.local";
inline const char* kAdminPassword = "correct horse battery staple";

struct DaemonOptions {
  std::string backend = "sqlite";  // or "postgresql"
  std::vector<std::string> sets;   // extra --set key=value
  std::string plugins_dir;         // default: the build's plugins
  std::vector<std::string> plugins;  // plugins.enabled
  bool expect_start = true;
  // To restart on the same state: a data dir and database that outlive the process.
  std::string data_dir;
  std::string database_url;
  std::map<std::string, std::string> env;  // extra environment for the daemon
  // Runs the daemon as this uid and gid (through setpriv; the test must be
  // root), its data dir handed to that uid; 0 runs it as the test does.
  unsigned run_as_uid = 0;
  // Starts the daemon with this open-files limit, soft and hard (through
  // prlimit; the daemon raises its soft limit to the hard one); 0: the test's own.
  unsigned open_files_limit = 0;
};

// A path the build baked in (tests/CMakeLists.txt), unless the environment overrides it.
std::string env_or_fail(const char* name);
// A direct connection to a daemon's database, for checking and ageing rows:
// `url` as the daemon takes it ("sqlite:/path" or "postgresql://user@host:port/db").
std::unique_ptr<soci::session> open_database(const std::string& url);

// A fresh PostgreSQL database on the test server; dropped by the returned guard.
class ScratchPostgres {
 public:
  ScratchPostgres();
  ~ScratchPostgres();
  const std::string& url() const { return url_; }

 private:
  std::string admin_keywords_, name_, url_;
};

class DaemonProcess {
 public:
  explicit DaemonProcess(DaemonOptions options = {});
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;

  int port() const { return port_; }
  int pid() const { return pid_; }
  const std::string& data_dir() const { return dir_; }
  // database.url as the daemon was given it (open_database reads it too).
  const std::string& database_url() const { return db_url_; }
  std::string socket_path() const { return dir_ + "/memberd.sock"; }
  // Everything the daemon printed so far.
  std::string output() const;
  // Whether the process still runs; its exit code once it ended.
  bool running();
  int wait_exit(std::chrono::seconds timeout);
  void signal(int sig);

  std::unique_ptr<httplib::Client> http() const;
  // HTTPS to the daemon, not verifying its (self-signed, test) certificate.
  std::unique_ptr<httplib::SSLClient> https() const;
  std::unique_ptr<httplib::Client> unix_socket() const;
  // An admin session token from POST /api/v1/admin/session.
  std::string admin_token() const;
  static nlohmann::json json(const httplib::Result& result);

 private:
  DaemonOptions options_;
  std::string dir_;
  std::string db_url_;
  std::unique_ptr<ScratchPostgres> postgres_;
  int pid_ = -1, port_ = 0, exit_code_ = -1;
  bool tls_ = false;  // it listens for HTTPS
  std::shared_ptr<ContractLog> contract_log_;  // every client's exchanges, for the contract test
};

// The daemon's entry for plugin `name` in GET /api/v1/admin/plugins (asked
// on the socket); FAILs the test when there is none.
nlohmann::json plugin_entry(const DaemonProcess& daemon, const std::string& name);
// The error that kept plugin `name` from loading (its state is checked to be
// "failed"; "" when the error is missing).
std::string load_error(const DaemonProcess& daemon, const std::string& name);

// The .eml files the daemon's `file` mail transport wrote so far (under
// <data_dir>/mail/), each as its text.
std::vector<std::string> mail_messages(const DaemonProcess& daemon);

// Starts argv[0] with stdout and stderr to `output_fd`, stdin from
// /dev/null, and the environment plus `extra_env` (which replaces variables
// of the same name). Returns the pid, or -1.
int spawn(const std::vector<std::string>& argv, int output_fd, const std::map<std::string, std::string>& extra_env = {});

// Runs a command, returns its exit code; its output goes to `output`.
int run_command(const std::vector<std::string>& argv, std::string& output,
                const std::map<std::string, std::string>& env = {});

}  // namespace memberd::test
