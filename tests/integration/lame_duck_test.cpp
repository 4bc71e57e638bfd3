// SIGTERM's lame duck (issue 30, item 1): /readyz says "stopping" at once,
// while every request is still served, each response closing its
// connection; only after shutdown.lame_duck does the daemon stop accepting
// and exit. A balancer's health checks take the daemon out meanwhile, so a
// rolling restart fails nothing (bench/cluster.sh measures that through
// HAProxy).
#include "support/daemon_process.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <thread>

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;
using Clock = std::chrono::steady_clock;

namespace {

// Polls until /readyz on `client` answers `status` (up to a second).
httplib::Result readyz_until(httplib::Client& client, int status) {
  auto deadline = Clock::now() + std::chrono::seconds(1);
  for (;;) {
    auto res = client.Get("/readyz");
    if ((res && res->status == status) || Clock::now() > deadline) return res;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

TEST_CASE("SIGTERM: /readyz says stopping at once, requests are served on and close their connections, then the exit",
          "[cli][shutdown]") {
  DaemonProcess daemon(DaemonOptions{"sqlite", {"shutdown.lame_duck=2s"}});
  httplib::Client kept("127.0.0.1", daemon.port());
  kept.set_keep_alive(true);
  auto ready = kept.Get("/readyz");
  REQUIRE(ready);
  CHECK(ready->status == 200);
  CHECK(ready->get_header_value("Connection") != "close");

  const auto signalled = Clock::now();
  daemon.signal(SIGTERM);
  auto stopping = readyz_until(kept, 503);
  REQUIRE(stopping);
  CHECK(stopping->status == 503);
  CHECK(nlohmann::json::parse(stopping->body).value("type", "") == "urn:memberd:problem:stopping");
  // Seen well inside the lame duck: a health check every second sees it.
  CHECK(Clock::now() - signalled < std::chrono::milliseconds(900));

  // Still served, on the kept connection and on a new one; each answer
  // tells the client to open its next connection elsewhere.
  auto on_kept = kept.Get("/healthz");
  REQUIRE(on_kept);
  CHECK(on_kept->status == 200);
  CHECK(on_kept->get_header_value("Connection") == "close");
  httplib::Client fresh("127.0.0.1", daemon.port());
  auto on_fresh = fresh.Get("/healthz");
  REQUIRE(on_fresh);
  CHECK(on_fresh->status == 200);
  CHECK(on_fresh->get_header_value("Connection") == "close");

  CHECK(daemon.wait_exit(std::chrono::seconds(15)) == 0);
  const auto lasted = Clock::now() - signalled;
  INFO(daemon.output());
  CHECK(lasted >= std::chrono::milliseconds(1900));
  const auto out = daemon.output();
  const auto stopping_line = out.find("lame_duck_seconds=2");
  CHECK(stopping_line != std::string::npos);
  CHECK(out.find("draining", stopping_line) != std::string::npos);
}

TEST_CASE("a second SIGTERM cuts the lame duck short", "[cli][shutdown]") {
  DaemonProcess daemon(DaemonOptions{"sqlite", {"shutdown.lame_duck=60s"}});
  httplib::Client client("127.0.0.1", daemon.port());
  const auto signalled = Clock::now();
  daemon.signal(SIGTERM);
  auto stopping = readyz_until(client, 503);
  REQUIRE(stopping);
  CHECK(stopping->status == 503);
  daemon.signal(SIGTERM);
  CHECK(daemon.wait_exit(std::chrono::seconds(15)) == 0);
  CHECK(Clock::now() - signalled < std::chrono::seconds(15));
}

TEST_CASE("SIGINT (Ctrl-C at a terminal) skips the lame duck", "[cli][shutdown]") {
  DaemonProcess daemon(DaemonOptions{"sqlite", {"shutdown.lame_duck=60s"}});
  const auto signalled = Clock::now();
  daemon.signal(SIGINT);
  CHECK(daemon.wait_exit(std::chrono::seconds(15)) == 0);
  CHECK(Clock::now() - signalled < std::chrono::seconds(15));
  CHECK(daemon.output().find("lame_duck_seconds=0") != std::string::npos);
}
