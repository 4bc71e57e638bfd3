// A database outage is logged once when it starts and once when it ends,
// whatever the number of requests that meet it; every one is counted.
#include "storage/outage_tracker.hpp"

#include "log/logger.hpp"
#include "metrics/registry.hpp"

#include "log_capture.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

using memberd::DatabaseFault;
using memberd::OutageTracker;

namespace {

using Capture = memberd::test::LogCapture;

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

struct Fixture {
  Capture capture;
  memberd::LogSink log{memberd::LogLevel::debug, memberd::LogFormat::text, capture.file};
  memberd::MetricsRegistry metrics;
  std::chrono::steady_clock::time_point now{std::chrono::seconds{1000}};
  OutageTracker tracker{[this] { return now; }};
  Fixture() { tracker.report_to(log, metrics); }
  double refused(const char* cause) {
    return metrics.counter("memberd_db_unavailable_total", "", {{"cause", cause}}).value();
  }
};

}  // namespace

TEST_CASE("an outage met by many requests is one error line and a count", "[storage][outage]") {
  Fixture f;
  std::vector<std::thread> requests;
  for (int t = 0; t < 8; ++t)
    requests.emplace_back([&] {
      for (int i = 0; i < 100; ++i) f.tracker.failed(DatabaseFault::unreachable);
    });
  for (auto& r : requests) r.join();
  auto text = f.capture.text();
  CHECK(count(text, "database unavailable") == 1);
  CHECK(count(text, "ERROR") == 1);
  CHECK(text.find("cause=unreachable") != std::string::npos);
  CHECK(f.refused("unreachable") == 800);
  CHECK(f.tracker.down());
  CHECK(f.metrics.gauge("memberd_db_outage", "").value() == 1);

  // A connection from before the outage still answering (a backend not yet
  // stopped) is no news; one opened since is.
  auto before = f.now - std::chrono::seconds{1};
  f.now += std::chrono::seconds{42};
  f.tracker.connected(before);
  f.tracker.wrote(before);
  CHECK(f.tracker.down());
  f.tracker.connected(f.now);
  f.tracker.connected(f.now);
  text = f.capture.text();
  CHECK(count(text, "database back after 42 s") == 1);
  CHECK(text.find("failures=800") != std::string::npos);
  CHECK_FALSE(f.tracker.down());
  CHECK(f.metrics.gauge("memberd_db_outage", "").value() == 0);

  // Work begun before it came back that fails after (a connect that timed
  // out) is the last outage's: counted, no new pair of lines.
  f.tracker.failed(DatabaseFault::unreachable, f.now - std::chrono::milliseconds{100});
  CHECK_FALSE(f.tracker.down());
  CHECK(count(f.capture.text(), "database unavailable") == 1);
  CHECK(f.refused("unreachable") == 801);

  // The next outage is news again.
  f.now += std::chrono::milliseconds{1};
  f.tracker.failed(DatabaseFault::shutting_down);
  CHECK(count(f.capture.text(), "database unavailable") == 2);
  CHECK(f.tracker.outages() == 2);
}

TEST_CASE("a full disk ends with a committed write, not with a read that works", "[storage][outage]") {
  Fixture f;
  auto opened = f.now - std::chrono::hours{1};  // SQLite's connections live as long as the daemon
  f.tracker.failed(DatabaseFault::disk_full);
  f.tracker.connected(opened);  // reads kept working all along
  f.tracker.connected(f.now);
  CHECK(f.tracker.down());
  f.tracker.failed(DatabaseFault::disk_full);
  CHECK(count(f.capture.text(), "database unavailable") == 1);
  f.now += std::chrono::seconds{3};
  f.tracker.wrote(opened);
  CHECK_FALSE(f.tracker.down());
  CHECK(count(f.capture.text(), "database back after 3 s") == 1);
  CHECK(f.refused("disk_full") == 2);
}

TEST_CASE("without a fault there is no outage and success alone logs nothing", "[storage][outage]") {
  Fixture f;
  f.tracker.failed(DatabaseFault::none);
  f.tracker.connected(f.now);
  f.tracker.wrote(f.now);
  CHECK_FALSE(f.tracker.down());
  CHECK(f.capture.text().empty());
  CHECK(f.tracker.outages() == 0);
}
