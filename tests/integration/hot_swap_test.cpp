// Hot swap under load: no request fails, and every old version unloads.
#include "support/daemon_process.hpp"
#include "support/plugins_dir.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;
using memberd::test::PluginsDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string mapped_files(int pid) {
  std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
  std::ostringstream s;
  s << maps.rdbuf();
  return s.str();
}

int count_mapped_versions(const std::string& maps, const std::string& plugin) {
  std::set<std::string> files;
  std::istringstream lines(maps);
  std::string line;
  while (std::getline(lines, line)) {
    auto at = line.find("/plugins/" + plugin + "-");
    if (at != std::string::npos) files.insert(line.substr(at));
  }
  return static_cast<int>(files.size());
}

}  // namespace

TEST_CASE("hot swap while clients call the plugin: zero failures, old versions unloaded", "[plugins][hot_swap]") {
  PluginsDir dir({{"swapper", "swapper"}});
  auto install = [&](const char* source) { dir.install(source, "swapper"); };
  {
    DaemonProcess daemon(DaemonOptions{"sqlite", {"swapper.delay_ms=15", "http.threads=16"}, dir.path(), {"swapper"}});

    std::atomic<bool> stop{false};
    std::atomic<int> ok{0}, failed{0};
    std::mutex seen_mutex;
    std::set<std::string> versions_seen;
    std::string first_failure;
    std::vector<std::thread> clients;
    for (int i = 0; i < 6; ++i) {
      clients.emplace_back([&, i] {
        auto http = daemon.http();
        const char* path = i % 2 ? "/api/v1/swapper/slow" : "/api/v1/swapper";
        while (!stop) {
          auto res = http->Get(path);
          if (res && res->status == 200) {
            ++ok;
            auto v = json::parse(res->body)["version"].get<std::string>();
            std::lock_guard lock(seen_mutex);
            versions_seen.insert(v);
          } else {
            ++failed;
            std::lock_guard lock(seen_mutex);
            if (first_failure.empty())
              first_failure = res ? std::to_string(res->status) + " " + res->body : httplib::to_string(res.error());
          }
        }
      });
    }

    auto socket = daemon.unix_socket();
    const int swaps = 40;
    std::vector<double> swap_ms;
    for (int i = 0; i < swaps; ++i) {
      install(i % 2 ? "swapper" : "swapper_v2");
      auto res = socket->Post("/api/v1/admin/plugins/swapper/reload");
      REQUIRE(res);
      INFO(res->body);
      REQUIRE(res->status == 200);
      swap_ms.push_back(json::parse(res->body)["swap_ms"].get<double>());
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop = true;
    for (auto& t : clients) t.join();

    INFO("first failure: " << first_failure);
    CHECK(failed == 0);
    CHECK(ok > 100);
    CHECK(versions_seen == std::set<std::string>{"1.0.0", "2.0.0"});

    // Once the last request on an old version ends, it is stopped and unloaded:
    // only the serving version stays mapped.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (count_mapped_versions(mapped_files(daemon.pid()), "swapper") > 1 &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(count_mapped_versions(mapped_files(daemon.pid()), "swapper") == 1);
    auto metrics = socket->Get("/metrics")->body;
    CHECK(metrics.find("memberd_plugin_unloads_total{outcome=\"unloaded\"} 40") != std::string::npos);
    CHECK(metrics.find("still_mapped") == std::string::npos);
    // Staged copies of old versions are cleaned up too.
    int staged = 0;
    for (const auto& entry : fs::directory_iterator(fs::path(daemon.data_dir()) / "plugins"))
      staged += entry.path().filename().string().rfind("swapper-", 0) == 0;
    CHECK(staged == 1);

    std::sort(swap_ms.begin(), swap_ms.end());
    WARN("hot swap: median " << swap_ms[swap_ms.size() / 2] << " ms, max " << swap_ms.back() << " ms");
  }
}

TEST_CASE("unloading a plugin lets the requests running on it finish, then unmaps it", "[plugins][hot_swap]") {
  PluginsDir dir({{"swapper", "swapper"}});
  DaemonProcess daemon(DaemonOptions{"sqlite", {"swapper.delay_ms=400"}, dir.path(), {"swapper"}});
  REQUIRE(count_mapped_versions(mapped_files(daemon.pid()), "swapper") == 1);

  int slow_status = 0;
  std::thread running([&] {
    auto res = daemon.http()->Get("/api/v1/swapper/slow");
    slow_status = res ? res->status : -1;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the slow request is inside the plugin
  auto socket = daemon.unix_socket();
  auto res = socket->Post("/api/v1/admin/plugins/swapper/unload");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(daemon.http()->Get("/api/v1/swapper")->status == 404);  // no new request reaches it
  running.join();
  CHECK(slow_status == 200);  // the one already running finished on it

  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (count_mapped_versions(mapped_files(daemon.pid()), "swapper") > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(count_mapped_versions(mapped_files(daemon.pid()), "swapper") == 0);
  CHECK(socket->Get("/metrics")->body.find("memberd_plugin_unloads_total{outcome=\"unloaded\"} 1") != std::string::npos);
}
