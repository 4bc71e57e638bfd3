// A third party's review kind (SDK 2.9, Host::add_review_kind), with the
// SDK's example: hello's motto waits in the host's queue, the console is
// told how to show it, an admin's decision publishes it, and the kind
// leaves with the plugin.
#include "support/credentials_client.hpp"
#include "support/daemon_process.hpp"
#include "support/plugins_dir.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;
using memberd::test::PluginsDir;
using namespace memberd::test::credentials;
using nlohmann::json;

namespace {

DaemonOptions with_hello(std::vector<std::string> sets = {}) {
  return DaemonOptions{"sqlite", std::move(sets), "", {"credentials", "hello"}};
}

const json* kind_named(const json& kinds, const std::string& name) {
  for (const auto& k : kinds)
    if (k["kind"] == name) return &k;
  return nullptr;
}

json motto_of(const DaemonProcess& daemon, const std::string& token) {
  auto res = get(daemon, "/api/v1/hello/motto", bearer(token));
  REQUIRE(status_of(res) == 200);
  return body_of(res);
}

}  // namespace

TEST_CASE("a third party's review kind waits in the queue, shows through its module, and publishes on approval",
          "[plugins][reviews][ui]") {
  DaemonProcess daemon(with_hello({"hello.motto_reject_reasons=[\"Too loud.\"]"}));
  auto session = sign_in(daemon, join(daemon, "motto@example.com"));

  // The console is told how to show the kind.
  auto kinds = body_of(get(daemon, "/api/v1/admin/reviews/kinds", admin(daemon)))["kinds"];
  const json* motto = kind_named(kinds, "hello.motto");
  REQUIRE(motto);
  CHECK((*motto)["plugin"] == "hello");
  CHECK((*motto)["title"] == "Motto");
  CHECK((*motto)["reject_reasons"] == json::array({"Too loud."}));
  const std::string module = (*motto)["module"];
  REQUIRE(module.rfind("/console/plugins/hello/review-motto.js?v=", 0) == 0);
  auto served = get(daemon, module.substr(0, module.find('?')));
  REQUIRE(status_of(served) == 200);
  CHECK(served->body.find("export function render") != std::string::npos);

  // Refused input changes nothing.
  CHECK_FIELD_ERROR(put(daemon, "/api/v1/hello/motto", {{"text", ""}}, bearer(session.token)), "text");
  CHECK_FIELD_ERROR(put(daemon, "/api/v1/hello/motto", {{"text", std::string(201, 'x')}}, bearer(session.token)),
                    "text");
  CHECK(status_of(put(daemon, "/api/v1/hello/motto", {{"text", "Hi"}})) == 401);
  CHECK(motto_of(daemon, session.token)["pending"].is_null());

  // Submitted: it waits, and is not shown.
  auto submitted = put(daemon, "/api/v1/hello/motto", {{"text", "Lamps that last."}}, bearer(session.token));
  REQUIRE(status_of(submitted) == 202);
  const std::string revision = body_of(submitted)["revision_id"];
  auto mine = motto_of(daemon, session.token);
  CHECK(mine["published"].is_null());
  CHECK(mine["pending"]["text"] == "Lamps that last.");
  auto queue = body_of(get(daemon, "/api/v1/admin/reviews?kind=hello.motto", admin(daemon)))["items"];
  REQUIRE(queue.size() == 1);
  CHECK(queue[0]["revision_id"] == revision);

  // Approved: published by hello's handler, from the decision's event.
  REQUIRE(status_of(post(daemon, "/api/v1/admin/reviews/" + revision + "/approve", json::object(), admin(daemon))) ==
          200);
  json after;
  for (int i = 0; i < 100; ++i) {
    after = motto_of(daemon, session.token);
    if (!after["published"].is_null()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(after["published"] == "Lamps that last.");
  CHECK(after["pending"].is_null());
  CHECK(after["last_decision"]["status"] == "approved");
}

TEST_CASE("a plugin's review kinds leave with it", "[plugins][reviews][ui]") {
  DaemonProcess daemon(with_hello());
  REQUIRE(kind_named(body_of(get(daemon, "/api/v1/admin/reviews/kinds", admin(daemon)))["kinds"], "hello.motto"));
  auto socket = daemon.unix_socket();
  REQUIRE(socket->Post("/api/v1/admin/plugins/hello/unload")->status == 200);
  CHECK_FALSE(kind_named(body_of(get(daemon, "/api/v1/admin/reviews/kinds", admin(daemon)))["kinds"], "hello.motto"));
}

TEST_CASE("a plugin that declares another plugin's review kind does not load, naming the kind",
          "[plugins][reviews][ui]") {
  PluginsDir dir({{"bad_review_kind", "bad_review_kind"}});
  DaemonProcess daemon(DaemonOptions{"sqlite", {}, dir.path(), {"bad_review_kind"}});
  CHECK_THAT(load_error(daemon, "bad_review_kind"),
             Catch::Contains("review kind \"photo\"") && Catch::Contains("only its own kinds"));
  // Nothing of it is served: neither its files nor a declaration.
  CHECK(daemon.http()->Get("/console/plugins/bad_review_kind/page.js")->status == 404);
  auto kinds = daemon.unix_socket()->Get("/api/v1/admin/reviews/kinds");
  REQUIRE(kinds);
  REQUIRE(kinds->status == 200);
  CHECK(json::parse(kinds->body)["kinds"].empty());
}
