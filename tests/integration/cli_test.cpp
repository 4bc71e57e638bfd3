// The command lines: memberd's flags and config refusals, memberctl over the
// socket, graceful shutdown.
#include "support/daemon_process.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;
using memberd::test::env_or_fail;
using memberd::test::run_command;
using nlohmann::json;

namespace {

std::string write_temp(const std::string& content) {
  char pattern[] = "/tmp/memberd-config-XXXXXX.yaml";
  int fd = mkstemps(pattern, 5);
  close(fd);
  std::ofstream(pattern) << content;
  return pattern;
}

}  // namespace

TEST_CASE("memberd refuses a bad configuration before anything starts", "[cli]") {
  std::string memberd = env_or_fail("MEMBERD_BINARY");
  std::string out;

  SECTION("the shipped file is valid, with the plugins it enables") {
    // Its plugins.dir is relative to the repository root, where scripts/run.sh runs it.
    CHECK(run_command({memberd, "--config", env_or_fail("MEMBERD_SOURCE_DIR") + "/etc/memberd.yaml", "--set",
                       "plugins.dir=" + env_or_fail("MEMBERD_PLUGINS_DIR"), "--check-config"},
                      out) == 0);
    CHECK(out.find("configuration OK") != std::string::npos);
  }
  SECTION("--describe-config lists the core's keys, then each enabled plugin's") {
    CHECK(run_command({memberd, "--describe-config", "--set", "plugins.dir=" + env_or_fail("MEMBERD_PLUGINS_DIR"),
                       "--set", "plugins.enabled=[credentials]"},
                      out) == 0);
    auto core = out.find("http.listen (string, default \"127.0.0.1:8080\"): ");
    auto plugin = out.find("credentials.");
    CHECK(core != std::string::npos);
    CHECK(out.find("retention.events (duration, default 30d): ") != std::string::npos);
    CHECK(plugin != std::string::npos);
    CHECK(core < plugin);
  }
  SECTION("unknown keys and bad values, each with line:column") {
    std::string path = write_temp("http:\n  listen: \"not an address\"\n  thread: 4\ndatabase:\n  pool_size: -1\n");
    CHECK(run_command({memberd, "--config", path, "--check-config"}, out) == 2);
    CHECK(out.find(path + ":2:") != std::string::npos);
    CHECK(out.find("http.listen") != std::string::npos);
    CHECK(out.find(path + ":3:") != std::string::npos);
    CHECK(out.find("http.thread") != std::string::npos);
    CHECK(out.find("database.pool_size") != std::string::npos);
    std::filesystem::remove(path);
  }
  SECTION("a common-password list that cannot be read stops start-up, naming the key") {
    DaemonProcess daemon(
        DaemonOptions{"sqlite", {"passwords.common_passwords_file=/nonexistent/memberd-words"}, "", {}, false});
    CHECK(daemon.wait_exit(std::chrono::seconds(15)) != 0);
    CHECK(daemon.output().find("passwords.common_passwords_file") != std::string::npos);
    CHECK(daemon.output().find("/nonexistent/memberd-words") != std::string::npos);
  }
  SECTION("a bootstrap password the policy refuses stops start-up, saying why") {
    DaemonOptions options{"sqlite", {}, "", {}, false};
    options.env["MEMBERD_ADMIN_PASSWORD"] = "aaaaaaaaaaaa";
    DaemonProcess daemon(options);
    CHECK(daemon.wait_exit(std::chrono::seconds(15)) != 0);
    CHECK(daemon.output().find("MEMBERD_ADMIN_PASSWORD is not accepted") != std::string::npos);
    CHECK(daemon.output().find("aaaaaaaaaaaa") == std::string::npos);  // never echoed
  }
  SECTION("malformed YAML") {
    std::string path = write_temp("http:\n  listen: [unclosed\n");
    CHECK(run_command({memberd, "--config", path}, out) == 2);
    CHECK(out.find(path + ":") != std::string::npos);
    std::filesystem::remove(path);
  }
  SECTION("a missing TLS file and a bad override") {
    CHECK(run_command({memberd, "--set", "http.tls.cert=/nonexistent.pem", "--set", "http.tls.key=/nonexistent.key",
                       "--set", "log.level=loud", "--check-config"},
                      out) == 2);
    CHECK(out.find("http.tls.cert") != std::string::npos);
    CHECK(out.find("--set log.level") != std::string::npos);
  }
  SECTION("a GeoIP file that is broken or missing is named by --check-config") {
    std::string geo = env_or_fail("MEMBERD_SOURCE_DIR") + "/tests/data/geoip/";
    CHECK(run_command({memberd, "--set", "geo.city_db=" + geo + "GeoIP2-City-Test-Invalid-Node-Count.mmdb",
                       "--check-config"},
                      out) == 2);
    CHECK(out.find("geo.city_db: " + geo + "GeoIP2-City-Test-Invalid-Node-Count.mmdb") != std::string::npos);
    CHECK(run_command({memberd, "--set", "geo.anonymous_db=/nonexistent/anon.mmdb", "--check-config"}, out) == 2);
    CHECK(out.find("geo.anonymous_db: /nonexistent/anon.mmdb") != std::string::npos);
    CHECK(run_command({memberd, "--set", "geo.city_db=" + geo + "GeoIP2-City-Test.mmdb", "--check-config"}, out) == 0);
  }
  SECTION("a plugin section is checked against the plugin's schema") {
    CHECK(run_command({memberd, "--set", "plugins.dir=" + env_or_fail("MEMBERD_PLUGINS_DIR"), "--set",
                       "plugins.enabled=[hello]", "--set", "hello.shout=true", "--check-config"},
                      out) == 2);
    CHECK(out.find("hello.shout") != std::string::npos);
  }
  SECTION("version and usage") {
    CHECK(run_command({memberd, "--version"}, out) == 0);
    CHECK(out.find("plugin SDK 2.") != std::string::npos);
    CHECK(run_command({memberd, "--bogus"}, out) == 2);
  }
}

TEST_CASE("memberctl drives the daemon through the socket", "[cli]") {
  DaemonProcess daemon(DaemonOptions{"sqlite", {}, "", {"hello"}});
  std::string ctl = env_or_fail("MEMBERCTL_BINARY");
  std::string socket = daemon.socket_path();
  std::string out;

  CHECK(run_command({ctl, "--socket", socket, "status"}, out) == 0);
  CHECK(run_command({ctl, "--socket", socket, "plugins"}, out) == 0);
  CHECK(out.find("hello") != std::string::npos);
  CHECK(run_command({ctl, "--socket", socket, "reload", "hello"}, out) == 0);
  CHECK(run_command({ctl, "--socket", socket, "reload", "nothing"}, out) != 0);
  CHECK(run_command({ctl, "--socket", socket, "unload", "hello"}, out) == 0);
  CHECK(out.find("unloaded hello") != std::string::npos);
  CHECK(run_command({ctl, "--socket", socket, "plugins"}, out) == 0);
  CHECK(out.find("unloaded") != std::string::npos);
  CHECK(run_command({ctl, "--socket", socket, "unload", "nothing"}, out) != 0);
  CHECK(run_command({ctl, "--socket", socket, "reload", "hello"}, out) == 0);
  CHECK(run_command({ctl, "--socket", socket, "create-admin", "ops@example.com"}, out,
                    {{"MEMBERD_ADMIN_PASSWORD", "tangerine lantern 42"}}) == 0);
  CHECK(run_command({ctl, "--socket", socket, "members", "ops"}, out) == 0);
  CHECK(out.find("ops@example.com") != std::string::npos);
  CHECK(run_command({ctl, "--socket", socket, "--json", "members"}, out) == 0);
  CHECK(json::parse(out)["items"].size() == 2);
  CHECK(run_command({ctl, "--socket", "/tmp/no-such-memberd.sock", "status"}, out) == 2);
}

TEST_CASE("SIGTERM drains and stops cleanly", "[cli]") {
  DaemonProcess daemon(DaemonOptions{"sqlite", {"swapper.delay_ms=500"}, env_or_fail("MEMBERD_FIXTURE_PLUGINS_DIR"), {"swapper"}});
  std::thread slow([&] {
    auto res = daemon.http()->Get("/api/v1/swapper/slow");
    CHECK(res);
    if (res) CHECK(res->status == 200);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  daemon.signal(SIGTERM);
  slow.join();
  CHECK(daemon.wait_exit(std::chrono::seconds(15)) == 0);
  INFO(daemon.output());
  CHECK(!std::filesystem::exists(daemon.socket_path()));
}
