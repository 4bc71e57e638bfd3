// When the database fails, members get 503 `unavailable` with Retry-After —
// never a 500 — the operator gets one log line for the outage and one when
// it ends, and everything works again once the database is back (issue 26,
// F4/F6). PostgreSQL is stopped under load (a server of the test's own:
// the run's shared one serves the other tests); SQLite's disk fills up (a
// small tmpfs) and its file turns out read-only.
#include "support/daemon_process.hpp"
#include "support/throwaway_postgres.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;
using memberd::test::env_or_fail;
using memberd::test::ThrowawayPostgres;
using nlohmann::json;

namespace {

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// One answer as a client saw it.
struct Answer {
  int phase;
  std::string request;
  // The phase when the answer came: a request that left just before the
  // stop (under load it may take a while) may meet the outage.
  int answered_in = 0;
  int status;  // 0: no answer at all
  std::string type, retry_after;
};

// Clients sending reads and writes in a loop, each answer tagged with the
// phase the test was in when the request left.
class Load {
 public:
  Load(const DaemonProcess& daemon, std::string token) : daemon_(daemon), token_(std::move(token)) {}
  ~Load() { stop(); }

  void start(int clients) {
    for (int c = 0; c < clients; ++c) threads_.emplace_back([this, c] { run(c); });
  }
  void stop() {
    done_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
  void phase(int p) { phase_ = p; }
  std::vector<Answer> answers() {
    std::lock_guard lock(mutex_);
    return answers_;
  }

 private:
  void run(int client) {
    auto http = daemon_.http();
    http->set_read_timeout(20, 0);
    httplib::Headers auth{{"Authorization", "Bearer " + token_}};
    for (int i = client; !done_; ++i) {
      int phase = phase_;
      std::string request;
      auto send = [&]() -> httplib::Result {
        switch (i % 7) {
          case 0:  // a plugin's own SOCI statement (a throw on a dead connection)
            request = "GET /api/v1/swapper/seen";
            return http->Get("/api/v1/swapper/seen");
          case 1:  // the session lookup (identify), cache off
            request = "GET /api/v1/session";
            return http->Get("/api/v1/session", auth);
          case 2:  // a write transaction through host services: session, event, mail
            request = "POST /api/v1/swapper/atomic";
            return http->Post("/api/v1/swapper/atomic", auth, "{}", "application/json");
          case 3:  // a plugin that answers any failure with its own 500
            request = "GET /api/v1/swapper/seen-or-500";
            return http->Get("/api/v1/swapper/seen-or-500");
          case 4:  // a write outside a transaction (the outbox)
            request = "POST /api/v1/swapper/mail";
            return http->Post("/api/v1/swapper/mail", auth, R"({"subject":"s","text":"t"})", "application/json");
          case 5:  // the admin audit log, read
            request = "GET /api/v1/admin/audit";
            return http->Get("/api/v1/admin/audit?limit=5", auth);
          default:  // a member's own account: whether it is closing
            request = "GET /api/v1/me/closure";
            return http->Get("/api/v1/me/closure", auth);
        }
      };
      auto r = send();
      Answer a{phase, request, phase_.load(), r ? r->status : 0, "", ""};
      if (r) {
        auto body = json::parse(r->body, nullptr, false);
        if (body.is_object() && body.contains("type")) a.type = body["type"].get<std::string>();
        a.retry_after = r->get_header_value("Retry-After");
      }
      std::lock_guard lock(mutex_);
      answers_.push_back(std::move(a));
    }
  }

  const DaemonProcess& daemon_;
  std::string token_;
  std::atomic<bool> done_{false};
  std::atomic<int> phase_{0};
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::vector<Answer> answers_;
};

enum Phase { before = 0, stopping = 1, down = 2, restarting = 3, back = 4 };

bool is_unavailable(const Answer& a) {
  return a.status == 503 && a.type == "urn:memberd:problem:unavailable" && !a.retry_after.empty();
}

}  // namespace

TEST_CASE("PostgreSQL stopped under load: 503 unavailable with Retry-After, one log line, then back",
          "[storage][outage][postgresql]") {
  auto mode = GENERATE(as<std::string>{}, "fast", "immediate");
  INFO("pg_ctl stop -m " << mode);
  ThrowawayPostgres postgres;
  // No session cache: every request reads the database.
  DaemonOptions options{"postgresql", {"sessions.cache_ttl=0s"}, env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR"),
                        {"swapper"}};
  options.database_url = postgres.url();
  DaemonProcess daemon(options);
  auto token = daemon.admin_token();

  Load load(daemon, token);
  load.start(4);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  load.phase(stopping);
  postgres.stop(mode);
  load.phase(down);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  // Readiness says what is missing meanwhile.
  auto ready = daemon.http()->Get("/readyz");
  REQUIRE(ready);
  CHECK(ready->status == 503);
  CHECK(ready->get_header_value("Retry-After") != "");
  CHECK(DaemonProcess::json(ready)["missing"] == json::array({"database"}));
  load.phase(restarting);
  postgres.start();
  // Back within a few seconds: the pool reconnects on the next lease.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  for (;;) {
    auto r = daemon.http()->Get("/api/v1/swapper/seen");
    REQUIRE(r);
    if (r->status == 200) break;
    if (std::chrono::steady_clock::now() > deadline) FAIL("the daemon did not recover: " << r->status << " " << r->body);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  load.phase(back);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  load.stop();

  std::map<int, int> answered, refused;
  for (const auto& a : load.answers()) {
    INFO("phase " << a.phase << ": " << a.request << " -> " << a.status << " " << a.type << " Retry-After "
                  << a.retry_after);
    ++answered[a.phase];
    CHECK(a.status != 500);
    CHECK(a.status != 0);
    if ((a.phase == before || a.phase == back) && a.answered_in == a.phase) CHECK(a.status / 100 == 2);
    if (a.phase == before && a.answered_in != before) CHECK((a.status / 100 == 2 || is_unavailable(a)));
    if (a.phase == down) CHECK(is_unavailable(a));
    if (a.phase == stopping || a.phase == restarting) CHECK((a.status / 100 == 2 || is_unavailable(a)));
    if (is_unavailable(a)) ++refused[a.phase];
  }
  WARN("answers before/stopping/down/restarting/back: " << answered[before] << "/" << answered[stopping] << "/"
                                                         << answered[down] << "/" << answered[restarting] << "/"
                                                         << answered[back] << "; 503 unavailable while down: "
                                                         << refused[down] << " of " << answered[down]);
  CHECK(answered[before] > 20);
  CHECK(answered[down] > 20);
  CHECK(answered[back] > 20);

  // One line when it began, one when it ended; not one per request.
  auto log = daemon.output();
  CHECK(count_of(log, "database unavailable") == 1);
  CHECK(count_of(log, "database back after") == 1);
  CHECK(count_of(log, "handler failed") == 0);
  CHECK(count_of(log, "host call failed") == 0);
  // Nor a line per pass from the background loops (events, mail, housekeeping).
  INFO(log);
  CHECK(count_of(log, "ERROR [") == 1);
  CHECK(count_of(log, "WARN  [") == 0);
  auto metrics = daemon.unix_socket()->Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("memberd_db_unavailable_total{cause=") != std::string::npos);
  CHECK(metrics->body.find("memberd_db_outage 0") != std::string::npos);
}

namespace {

// A tmpfs of the test's own (root only): a disk that can be filled to the
// last byte and freed again. Unmounted at the end, lazily if a process
// still holds a file on it.
class SmallTmpfs {
 public:
  explicit SmallTmpfs(const std::string& size) {
    char pattern[] = "/tmp/memberd-tmpfs-XXXXXX";
    path_ = mkdtemp(pattern);
    std::string out;
    int rc = memberd::test::run_command({"/bin/mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "tmpfs", path_}, out);
    if (rc != 0) FAIL("cannot mount a tmpfs at " << path_ << " although root (a container without CAP_SYS_ADMIN?): " << out);
  }
  ~SmallTmpfs() {
    std::string out;
    if (memberd::test::run_command({"/bin/umount", path_}, out) != 0) (void)memberd::test::run_command({"/bin/umount", "-l", path_}, out);
    ::rmdir(path_.c_str());
  }
  const std::string& path() const { return path_; }
  // Writes a file until the disk refuses another byte.
  void fill() {
    std::string out;
    (void)memberd::test::run_command({"/bin/dd", "if=/dev/zero", "of=" + path_ + "/filler", "bs=4096"}, out);
    INFO(out);
    REQUIRE(out.find("No space left on device") != std::string::npos);
  }
  void free_space() { REQUIRE(::unlink((path_ + "/filler").c_str()) == 0); }

 private:
  std::string path_;
};

// Polls /readyz until its status is `status`; returns its body.
json readiness(const DaemonProcess& daemon, int status) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    auto r = daemon.http()->Get("/readyz");
    REQUIRE(r);
    if (r->status == status) {
      if (status == 503) CHECK(r->get_header_value("Retry-After") != "");
      return json::parse(r->body);
    }
    if (std::chrono::steady_clock::now() > deadline) FAIL("/readyz stayed " << r->status << ": " << r->body);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

int swapper_events(const DaemonProcess& daemon) {
  return DaemonProcess::json(daemon.http()->Get("/api/v1/swapper/atomic"))["events"].get<int>();
}

std::size_t outbox_size(const DaemonProcess& daemon) {
  return DaemonProcess::json(daemon.unix_socket()->Get("/api/v1/admin/outbox?limit=500"))["items"].size();
}

}  // namespace

TEST_CASE("a full disk: writes answer 503 unavailable and change nothing, /readyz names the write probe, then back",
          "[storage][outage][disk]") {
  if (::geteuid() != 0) {
    WARN("not root: cannot mount a tmpfs to fill; the full-disk test is not exercised");
    return;
  }
  SmallTmpfs disk("8m");
  DaemonOptions options{"sqlite", {}, env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR"), {"swapper"}};
  options.database_url = "sqlite:" + disk.path() + "/memberd.db";
  DaemonProcess daemon(options);
  auto token = daemon.admin_token();
  httplib::Headers auth{{"Authorization", "Bearer " + token}};
  auto write = [&] { return daemon.http()->Post("/api/v1/swapper/atomic", auth, "{}", "application/json"); };
  auto mail = [&] {
    return daemon.http()->Post("/api/v1/swapper/mail", auth, R"({"subject":"s","text":"t"})", "application/json");
  };
  REQUIRE(write()->status == 201);
  readiness(daemon, 200);
  int events = swapper_events(daemon);
  auto queued = outbox_size(daemon);

  disk.fill();
  auto refused = [](const httplib::Result& r) {
    REQUIRE(r);
    INFO(r->body);
    CHECK(r->status == 503);
    CHECK(r->get_header_value("Retry-After") != "");
    CHECK(json::parse(r->body)["type"] == "urn:memberd:problem:unavailable");
  };
  for (int i = 0; i < 5; ++i) {
    refused(write());
    refused(mail());
  }
  // Reads still work, and nothing of the refused writes is there.
  CHECK(swapper_events(daemon) == events);
  CHECK(outbox_size(daemon) == queued);
  CHECK(readiness(daemon, 503)["missing"] == json::array({"database_writes"}));
  auto log = daemon.output();
  CHECK(count_of(log, "database unavailable") == 1);
  CHECK(log.find("cause=disk_full") != std::string::npos);
  CHECK(count_of(log, "handler failed") == 0);

  disk.free_space();
  readiness(daemon, 200);
  CHECK(write()->status == 201);
  CHECK(mail()->status == 202);
  CHECK(swapper_events(daemon) == events + 1);
  CHECK(count_of(daemon.output(), "database back after") == 1);
}

TEST_CASE("a read-only SQLite database: /readyz is not ready and a write answers 503 unavailable", "[storage][outage]") {
  if (::geteuid() != 0) {
    WARN("not root: cannot run the daemon as another uid; the read-only database test is not exercised");
    return;
  }
  // The schema is made by a first daemon; then the file belongs to root,
  // mode 0444, and the daemon runs as another uid: SQLite opens it
  // read-only (as after restoring a backup with the wrong owner). The
  // directory is the daemon's, for the -wal and -shm files.
  constexpr uid_t kDaemonUid = 64500;
  char pattern[] = "/tmp/memberd-readonly-XXXXXX";
  std::string dir = mkdtemp(pattern);
  struct RemovedAtEnd {
    std::string path;
    ~RemovedAtEnd() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  } removed{dir};
  std::string db = dir + "/memberd.db";
  DaemonOptions options{"sqlite", {}, env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR"), {"swapper"}};
  options.database_url = "sqlite:" + db;
  {
    DaemonProcess first(options);
    first.admin_token();
  }
  REQUIRE(::chmod(db.c_str(), 0444) == 0);
  REQUIRE(::chown(dir.c_str(), kDaemonUid, kDaemonUid) == 0);
  options.run_as_uid = kDaemonUid;
  DaemonProcess daemon(options);
  CHECK(readiness(daemon, 503)["missing"] == json::array({"database_writes"}));
  // Signing in writes a session: refused, not a 500.
  auto r = daemon.http()->Post("/api/v1/admin/session",
                               json{{"email", memberd::test::kAdminEmail}, {"password", memberd::test::kAdminPassword}}.dump(),
                               "application/json");
  REQUIRE(r);
  INFO(r->body);
  CHECK(r->status == 503);
  CHECK(r->get_header_value("Retry-After") != "");
  CHECK(json::parse(r->body)["type"] == "urn:memberd:problem:unavailable");
  // Reads work.
  CHECK(daemon.http()->Get("/api/v1/swapper/seen")->status == 200);
  auto log = daemon.output();
  CHECK(count_of(log, "database unavailable") == 1);
  CHECK(log.find("cause=read_only") != std::string::npos);
}
