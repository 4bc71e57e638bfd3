// memberd: flags, config, signals, run loop. Everything else is in Daemon.
#include "config/config_loader.hpp"
#include "config/describe_schema.hpp"
#include "config/smtp_tls.hpp"
#include "daemon.hpp"
#include "geo/geo_databases.hpp"
#include "log/logger.hpp"
#include "metrics/registry.hpp"
#include "plugin_host/config_check.hpp"
#include "plugin_host/trusted_plugin_file.hpp"

#include <memberd/version.hpp>

#include <malloc.h>
#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#ifndef MEMBERD_VERSION
#define MEMBERD_VERSION "0.0.0"
#endif

namespace {

const char* kUsage =
    "usage: memberd [--config FILE] [--set key.path=value ...] [--check-config] [--describe-config] [--version]\n"
    "  --config FILE       the YAML configuration (every key: etc/memberd.yaml)\n"
    "  --set k.p=value     override one key; the value is YAML (--set plugins.enabled=[hello])\n"
    "  --check-config      validate the configuration, plugin sections included, and exit\n"
    "  --describe-config   print every core key and every enabled plugin's key, with\n"
    "                      its type, default and description, and exit\n"
    "  --version           print the version and the plugin SDK version, and exit\n";

struct Flags {
  std::string config_path;
  std::vector<std::string> overrides;
  bool check = false, describe = false;
};

int usage_error(const std::string& message) {
  std::cerr << "memberd: " << message << "\n" << kUsage;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) return nullptr;
      (void)name;
      return argv[++i];
    };
    if (arg == "--config") {
      const char* v = value("--config");
      if (!v) return usage_error("--config needs a file");
      flags.config_path = v;
    } else if (arg.rfind("--config=", 0) == 0) {
      flags.config_path = arg.substr(9);
    } else if (arg == "--set") {
      const char* v = value("--set");
      if (!v) return usage_error("--set needs key.path=value");
      flags.overrides.emplace_back(v);
    } else if (arg.rfind("--set=", 0) == 0) {
      flags.overrides.push_back(arg.substr(6));
    } else if (arg == "--check-config") {
      flags.check = true;
    } else if (arg == "--describe-config") {
      flags.describe = true;
    } else if (arg == "--version") {
      std::cout << "memberd " << MEMBERD_VERSION << " (plugin SDK " << MEMBERD_SDK_VERSION_MAJOR << "."
                << MEMBERD_SDK_VERSION_MINOR << ")\n";
      return 0;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else {
      return usage_error("unknown argument " + arg);
    }
  }

  memberd::CoreConfig config;
  try {
    config = memberd::load_config(flags.config_path, flags.overrides);
  } catch (const memberd::ConfigError& e) {
    std::cerr << "memberd: the configuration has errors:\n" << e.what() << "\n";
    return 2;
  }
  if (flags.describe) {
    std::cout << memberd::describe_core_keys() << memberd::describe_plugin_sections(config);
    return 0;
  }
  if (flags.check) {
    auto problems = memberd::check_plugin_sections(config);
    // The GeoIP files are opened and checked as the start would.
    try {
      memberd::LogSink quiet(memberd::LogLevel::error);
      memberd::MetricsRegistry metrics;
      memberd::GeoDatabases({config.geo.city_db, config.geo.anonymous_db}, quiet, metrics);
    } catch (const std::runtime_error& e) {
      problems.push_back(e.what());
    }
    for (const auto& p : problems) std::cerr << "memberd: " << p << "\n";
    // Not refused, but what the start will log as warnings too.
    auto warnings = memberd::plugins_dir_warnings(config.plugins.dir);
    if (auto smtp = memberd::smtp_plain_text_warning(config.mail); !smtp.empty()) warnings.push_back(smtp);
    for (const auto& w : warnings) std::cerr << "memberd: warning: " << w << "\n";
    if (!problems.empty()) return 2;
    std::cout << "memberd: configuration OK\n";
    return 0;
  }

  // A start refuses what --check-config refuses about the plugins' files.
  if (auto missing = memberd::missing_plugin_files(config); !missing.empty()) {
    std::cerr << "memberd: the configuration has errors:\n";
    for (const auto& line : missing) std::cerr << line << "\n";
    return 2;
  }

  // Many worker threads would each get a malloc arena; two bound what
  // fragmentation can hold. (Argon2id's memory is managed apart:
  // auth/argon2_memory.hpp.)
  mallopt(M_ARENA_MAX, 2);
  // The database holds password hashes, the mail directory reset links:
  // everything the daemon writes is for its own user only. (The socket's
  // mode is set explicitly from socket.mode.)
  umask(0077);

  // Signals are taken synchronously by this thread: block them before any
  // other thread starts, so none of those threads is interrupted by one.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  memberd::Daemon daemon(std::move(config));
  try {
    daemon.start();
  } catch (const std::exception& e) {
    std::cerr << "memberd: cannot start: " << e.what() << "\n";
    return 1;
  }
  int stop_signal = 0;
  for (;;) {
    timespec wait{2, 0};
    int signal = sigtimedwait(&signals, nullptr, &wait);
    if (signal == SIGTERM || signal == SIGINT) {
      stop_signal = signal;
      break;
    }
    if (signal == SIGHUP) daemon.reload_plugins();
    daemon.tick();
  }
  // The lame duck: served on while the balancer learns from /readyz. Only
  // for SIGTERM (a service manager's stop): SIGINT is someone at a terminal
  // pressing Ctrl-C, who wants it gone. A second signal cuts it short.
  const auto lame_duck = stop_signal == SIGTERM ? daemon.lame_duck() : std::chrono::seconds(0);
  daemon.begin_stopping(lame_duck);
  const auto lame_duck_ends = std::chrono::steady_clock::now() + lame_duck;
  for (;;) {
    auto left = lame_duck_ends - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) break;
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    timespec wait{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    int signal = sigtimedwait(&signals, nullptr, &wait);
    if (signal == SIGTERM || signal == SIGINT) {
      daemon.log_lame_duck_cut_short();
      break;
    }
  }
  daemon.stop();
  return 0;
}
