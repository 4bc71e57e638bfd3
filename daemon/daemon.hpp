#pragma once
// The composition root: builds every part of the daemon from its config, in
// dependency order, and takes them down in reverse. main.cpp only parses
// flags, handles signals and calls this.
#include "config/config.hpp"

#include <memory>
#include <string>

namespace memberd {

class Daemon {
 public:
  explicit Daemon(CoreConfig config);
  ~Daemon();

  // Opens the database, migrates, makes the bootstrap admin, loads plugins,
  // binds both doors. Throws std::runtime_error with an operator-facing message.
  void start();
  // SIGHUP: reload every enabled plugin.
  void reload_plugins();
  // Called every few seconds from the main loop: watchdog, housekeeping.
  void tick();
  // SIGTERM, first: /readyz answers 503 "stopping" and every response
  // closes its connection, while everything is still served. The caller
  // waits shutdown.lame_duck (lame_duck()) and then calls stop().
  void begin_stopping(std::chrono::seconds lame_duck = std::chrono::seconds(0));
  std::chrono::seconds lame_duck() const { return config_.shutdown.lame_duck; }
  void log_lame_duck_cut_short();
  // Then: stop accepting, drain (up to shutdown.drain_timeout), stop plugins.
  void stop();

 private:
  struct Parts;
  void open_storage();
  void make_services();
  void make_plugin_host();
  void install_core_routes();
  void serve();
  void announce(int port);
  static void refresh_gauges(Parts& p);
  // This daemon's plugins into the cluster registry, when they changed.
  static void record_plugins(Parts& p);
  // The leader's periodic purges of expired rows (retention:), on one unit.
  void housekeep(Parts& p);

  CoreConfig config_;
  std::unique_ptr<Parts> parts_;
};

}  // namespace memberd
