// A plugin reload or unload asked once for the whole cluster (issue 30):
// every daemon on the database converges to it, a daemon started later
// included, and GET /api/v1/admin/cluster, memberctl and the console show
// how far they got, naming a daemon that failed.
#include "support/credentials_client.hpp"
#include "support/daemon_process.hpp"
#include "support/plugins_dir.hpp"
#include "support/throwaway_postgres.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace memberd::test;
using memberd::test::ThrowawayPostgres;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

DaemonOptions on(const std::string& url, const std::string& plugins_dir = {}) {
  DaemonOptions options;
  options.backend = "postgresql";
  options.database_url = url;
  options.plugins = {"credentials", "hello"};
  options.plugins_dir = plugins_dir;
  return options;
}

// The cluster's newest request for `plugin` as `daemon` lists it (null: none).
json request_for(const DaemonProcess& daemon, const std::string& plugin) {
  auto listed = DaemonProcess::json(daemon.unix_socket()->Get("/api/v1/admin/cluster"));
  for (const auto& r : listed["requests"])
    if (r["plugin"] == plugin) return r;
  return nullptr;
}

// The request once no daemon alive waits for it any more (within `limit`).
json settled(const DaemonProcess& daemon, const std::string& plugin, std::chrono::milliseconds limit = 5000ms) {
  auto until = std::chrono::steady_clock::now() + limit;
  json r;
  do {
    r = request_for(daemon, plugin);
    if (r.is_object() && r["state"] != "converging") return r;
    std::this_thread::sleep_for(50ms);
  } while (std::chrono::steady_clock::now() < until);
  return r;
}

httplib::Result ask(const DaemonProcess& daemon, const std::string& plugin, const std::string& action) {
  return daemon.unix_socket()->Post("/api/v1/admin/cluster/plugins/" + plugin + "/" + action);
}

}  // namespace

TEST_CASE("a reload asked for the cluster reaches every daemon, and an unload holds for one started later",
          "[cluster][postgresql][plugins]") {
  ScratchPostgres database;
  DaemonProcess a(on(database.url())), b(on(database.url())), c(on(database.url()));
  std::vector<DaemonProcess*> all{&a, &b, &c};
  std::vector<int> generations;
  for (auto* d : all) generations.push_back(plugin_entry(*d, "hello")["generation"].get<int>());

  auto asked = ask(a, "hello", "reload");
  REQUIRE(asked);
  REQUIRE(asked->status == 202);
  auto first = DaemonProcess::json(asked);
  CHECK(first["action"] == "reload");
  CHECK(first["requested_by"] == "operator");
  CHECK(first["request_id"] == 1);

  auto reloaded = settled(b, "hello");
  REQUIRE(reloaded["state"] == "done");
  CHECK(reloaded["daemons"]["done"] == 3);
  CHECK(reloaded["failures"].empty());
  for (std::size_t i = 0; i < all.size(); ++i)
    CHECK(plugin_entry(*all[i], "hello")["generation"].get<int>() > generations[i]);

  REQUIRE(ask(b, "hello", "unload")->status == 202);
  auto unloaded = settled(c, "hello");
  REQUIRE(unloaded["state"] == "done");
  CHECK(unloaded["request_id"] == 2);
  CHECK(unloaded["daemons"]["done"] == 3);
  for (auto* d : all) {
    CHECK(plugin_entry(*d, "hello")["state"] == "unloaded");
    CHECK(d->http()->Get("/api/v1/hello/greetings")->status == 404);
  }

  // A daemon started now serves what the cluster was asked to serve.
  DaemonProcess d(on(database.url()));
  CHECK(plugin_entry(d, "hello")["state"] == "unloaded");
  CHECK(settled(a, "hello")["daemons"]["done"] == 4);

  // memberctl asks through the newcomer and waits for all four.
  std::string out;
  CHECK(run_command({env_or_fail("MEMBERCTL_BINARY"), "--socket", d.socket_path(), "cluster", "reload", "hello"}, out) ==
        0);
  INFO(out);
  CHECK(out.find("hello reload #3: done, 4 of 4 daemons done") != std::string::npos);
  for (auto* daemon : {&a, &b, &c, &d}) CHECK(plugin_entry(*daemon, "hello")["state"] == "loaded");
  REQUIRE(run_command({env_or_fail("MEMBERCTL_BINARY"), "--socket", a.socket_path(), "cluster"}, out) == 0);
  CHECK(out.find("asked of the cluster") != std::string::npos);
}

TEST_CASE("a daemon that cannot load the file asked for is named, and serves on its previous version",
          "[cluster][postgresql][plugins]") {
  ScratchPostgres database;
  PluginsDir own({{"credentials", "credentials"}, {"hello", "hello"}});
  DaemonProcess a(on(database.url())), b(on(database.url(), own.path()));
  // b's operator copied in a file that does not load.
  own.install("failing_start", "hello");

  std::string out;
  CHECK(run_command({env_or_fail("MEMBERCTL_BINARY"), "--socket", a.socket_path(), "cluster", "reload", "hello"}, out) ==
        1);
  INFO(out);
  auto r = request_for(a, "hello");
  REQUIRE(r["state"] == "failed");
  CHECK(r["daemons"]["done"] == 1);
  CHECK(r["daemons"]["failed"] == 1);
  REQUIRE(r["failures"].size() == 1);
  auto listed = DaemonProcess::json(a.unix_socket()->Get("/api/v1/admin/cluster"));
  long long b_id = 0;
  for (const auto& d : listed["daemons"])
    if (d["pid"] == b.pid()) b_id = d["daemon_id"].get<long long>();
  CHECK(r["failures"][0]["daemon_id"] == b_id);
  CHECK_FALSE(r["failures"][0]["error"].get<std::string>().empty());
  CHECK(out.find("1 failed") != std::string::npos);
  // The previous version serves on where the new one failed.
  CHECK(plugin_entry(b, "hello")["state"] == "loaded");
}

TEST_CASE("asking the cluster: unknown plugins, members and anonymous callers are refused, nothing is recorded",
          "[cluster][plugins]") {
  DaemonOptions options;
  options.plugins = {"credentials", "hello"};
  DaemonProcess daemon(options);
  auto unknown = ask(daemon, "nope", "reload");
  CHECK(unknown->status == 404);
  CHECK(unknown->get_header_value("Content-Type") == "application/problem+json");
  CHECK(daemon.http()->Post("/api/v1/admin/cluster/plugins/hello/reload")->status == 401);
  namespace creds = memberd::test::credentials;
  creds::join(daemon, "member@example.com");
  auto member = creds::sign_in(daemon, "member@example.com", creds::kPassword);
  CHECK(daemon.http()->Post("/api/v1/admin/cluster/plugins/hello/reload", creds::bearer(member.token))->status == 403);
  CHECK(daemon.unix_socket()->Post("/api/v1/admin/cluster/plugins/hello/restart")->status == 404);
  std::string out;
  auto ctl = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {env_or_fail("MEMBERCTL_BINARY"), "--socket", daemon.socket_path()});
    return run_command(args, out);
  };
  CHECK(ctl({"cluster", "reload"}) == 64);
  CHECK(ctl({"cluster", "restart", "hello"}) == 64);
  CHECK(ctl({"cluster", "reload", "nope"}) == 1);
  CHECK(out.find("No such plugin") != std::string::npos);
  CHECK(request_for(daemon, "hello").is_null());
  CHECK(request_for(daemon, "nope").is_null());

  // On SQLite the one daemon is the cluster: an admin's request is done by it.
  std::string token = daemon.admin_token();
  auto asked = daemon.http()->Post("/api/v1/admin/cluster/plugins/hello/unload",
                                   httplib::Headers{{"Authorization", "Bearer " + token}});
  REQUIRE(asked->status == 202);
  auto r = settled(daemon, "hello");
  CHECK(r["state"] == "done");
  CHECK(r["daemons"]["done"] == 1);
  CHECK(r["requested_by"] != "operator");
  CHECK(plugin_entry(daemon, "hello")["state"] == "unloaded");
}

TEST_CASE("asking the cluster while PostgreSQL is down is 503 with Retry-After and records nothing",
          "[cluster][postgresql][plugins][outage]") {
  ThrowawayPostgres postgres;
  DaemonProcess daemon(on(postgres.url()));
  postgres.stop("fast");
  auto refused = ask(daemon, "hello", "reload");
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK(refused->get_header_value("Content-Type") == "application/problem+json");
  CHECK_FALSE(refused->get_header_value("Retry-After").empty());
  CHECK(daemon.unix_socket()->Get("/api/v1/admin/cluster")->status == 503);
  postgres.start();
  // Back by itself: nothing was recorded meanwhile, and asking works again.
  auto until = std::chrono::steady_clock::now() + 10s;
  json listed;
  do {
    auto res = daemon.unix_socket()->Get("/api/v1/admin/cluster");
    if (res && res->status == 200) listed = json::parse(res->body);
    else std::this_thread::sleep_for(100ms);
  } while (listed.is_null() && std::chrono::steady_clock::now() < until);
  REQUIRE(listed.is_object());
  CHECK(listed["requests"].empty());
  REQUIRE(ask(daemon, "hello", "reload")->status == 202);
  CHECK(settled(daemon, "hello")["state"] == "done");
}
