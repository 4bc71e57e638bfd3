// The admin audit log (GET /api/v1/admin/audit): every admin request that
// may change something is exactly one record, whether it did its work, was
// refused or failed; who, what, whom, from where, why; filters, pages and
// CSV; no route edits or deletes a record; retention ages them out. Both
// backends.
#include "support/credentials_client.hpp"
#include "support/daemon_process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;
using nlohmann::json;

namespace {

httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

json audit(const DaemonProcess& d, const std::string& query = "") {
  auto res = d.unix_socket()->Get("/api/v1/admin/audit" + query);
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  return DaemonProcess::json(res)["items"];
}

// The records newer than `after` (an id), oldest first.
json records_after(const DaemonProcess& d, long long after) {
  json out = json::array();
  auto items = audit(d, "?limit=500");
  for (auto it = items.rbegin(); it != items.rend(); ++it)
    if ((*it)["id"].get<long long>() > after) out.push_back(*it);
  return out;
}

long long newest_id(const DaemonProcess& d) {
  auto items = audit(d, "?limit=1");
  return items.empty() ? 0 : items[0]["id"].get<long long>();
}

std::string member_id_of(const httplib::Result& res) {
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 201);
  return DaemonProcess::json(res)["member_id"].get<std::string>();
}

}  // namespace

TEST_CASE("each admin action is one audit record: done, refused or failed", "[audit]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(DaemonOptions{backend, {}, "", {"hello"}});
  auto http = daemon.http();

  // Signing in to the console is the first record.
  long long start = newest_id(daemon);
  std::string token = daemon.admin_token();
  auto signed_in = records_after(daemon, start);
  REQUIRE(signed_in.size() == 1);
  CHECK(signed_in[0]["action"] == "console.sign_in");
  CHECK(signed_in[0]["admin"] == "admin@memberd.local");
  CHECK(signed_in[0]["admin_id"].is_string());
  CHECK(signed_in[0]["ip"] == "127.0.0.1");
  CHECK(signed_in[0]["result"] == "done");
  const std::string admin_id = signed_in[0]["admin_id"];

  SECTION("making a member, then ending their sessions: the member, the detail, the admin") {
    long long before = newest_id(daemon);
    auto made = http->Post("/api/v1/admin/members", bearer(token),
                           R"({"email":"audited@example.com","password":"a long enough password 123"})",
                           "application/json");
    std::string member = member_id_of(made);
    auto ended = http->Delete("/api/v1/admin/members/" + member + "/sessions", bearer(token));
    REQUIRE(ended);
    CHECK(ended->status == 204);
    auto records = records_after(daemon, before);
    REQUIRE(records.size() == 2);
    CHECK(records[0]["action"] == "member.create");
    CHECK(records[0]["member_id"] == member);
    CHECK(records[0]["admin_id"] == admin_id);
    CHECK(records[0]["detail"]["roles"] == json::array());
    CHECK(records[0]["result"] == "done");
    CHECK(records[1]["action"] == "member.sessions_end");
    CHECK(records[1]["member_id"] == member);
    CHECK(records[1]["detail"]["count"] == 0);
  }
  SECTION("refusals are recorded too, each once, with their status") {
    long long before = newest_id(daemon);
    // A member nobody has; a body that is not JSON; an email that is taken.
    auto nobody = http->Delete("/api/v1/admin/members/no-such-member/sessions", bearer(token));
    CHECK(nobody->status == 404);
    auto broken = http->Post("/api/v1/admin/members", bearer(token), R"({"email": )", "application/json");
    CHECK(broken->status == 400);
    auto taken = http->Post("/api/v1/admin/members", bearer(token),
                            R"({"email":"admin@memberd.local","password":"a long enough password 123"})",
                            "application/json");
    CHECK(taken->status == 409);
    auto records = records_after(daemon, before);
    REQUIRE(records.size() == 3);
    CHECK(records[0]["action"] == "member.sessions_end");
    // Not a member id the core makes: kept in the detail, not as the member.
    CHECK(records[0]["member_id"].is_null());
    CHECK(records[0]["detail"]["member_id_given"] == "no-such-member");
    CHECK(records[0]["result"] == "refused");
    CHECK(records[0]["detail"]["status"] == 404);
    CHECK(records[0]["detail"]["problem"] == "not_found");
    CHECK(records[1]["action"] == "member.create");
    CHECK(records[1]["detail"]["status"] == 400);
    CHECK(records[2]["detail"]["problem"] == "email_taken");
    // The create that was refused wrote its record in no rolled-back transaction: it is there once.
    CHECK(records[2]["result"] == "refused");
  }
  SECTION("the operator on the socket, a plugin reload with a reason, an unknown plugin") {
    long long before = newest_id(daemon);
    auto reloaded = daemon.unix_socket()->Post("/api/v1/admin/plugins/hello/reload", R"({"reason":"new build"})",
                                               "application/json");
    REQUIRE(reloaded);
    auto unknown = daemon.unix_socket()->Post("/api/v1/admin/plugins/nothing/reload");
    REQUIRE(unknown);
    CHECK(unknown->status == 404);
    auto records = records_after(daemon, before);
    REQUIRE(records.size() == 2);
    CHECK(records[0]["action"] == "plugin.reload");
    CHECK(records[0]["reason"] == "new build");  // a route without a body of its own still takes the reason
    CHECK(records[0]["admin"] == "operator");
    CHECK(records[0]["admin_id"].is_null());
    CHECK(records[0]["detail"]["name"] == "hello");
    CHECK(records[1]["detail"]["name"] == "nothing");
    CHECK(records[1]["result"] == "refused");
  }
  SECTION("an admin refused at the door, and a path no UTF-8 can spell, are recorded once each") {
    long long before = newest_id(daemon);
    // The console's cookie without its CSRF token: a forged cross-site request.
    json credentials{{"email", "admin@memberd.local"}, {"password", memberd::test::kAdminPassword}};
    auto signed_in = http->Post("/api/v1/admin/session", credentials.dump(), "application/json");
    REQUIRE(signed_in);
    REQUIRE(signed_in->status == 201);
    std::string cookie;
    for (const auto& [name, value] : signed_in->headers)
      if (name == "Set-Cookie" && value.rfind("memberd_session=", 0) == 0) cookie = value.substr(0, value.find(';'));
    REQUIRE_FALSE(cookie.empty());
    auto forged = http->Delete("/api/v1/admin/members/no-such-member/sessions", {{"Cookie", cookie}});
    REQUIRE(forged);
    CHECK(forged->status == 403);
    auto odd = daemon.unix_socket()->Post("/api/v1/admin/plugins/%FF%FE/reload");
    REQUIRE(odd);
    CHECK(odd->status == 404);
    auto records = records_after(daemon, before);
    REQUIRE(records.size() == 3);
    CHECK(records[0]["action"] == "console.sign_in");
    CHECK(records[1]["action"] == "member.sessions_end");
    CHECK(records[1]["result"] == "refused");
    CHECK(records[1]["detail"]["status"] == 403);
    CHECK(records[2]["action"] == "plugin.reload");
    CHECK(records[2]["result"] == "refused");
    CHECK(records[2]["detail"]["name"].is_string());
  }
  SECTION("reads and non-admins leave nothing") {
    long long before = newest_id(daemon);
    CHECK(http->Get("/api/v1/admin/members", bearer(token))->status == 200);
    CHECK(http->Post("/api/v1/admin/members", R"({"email":"x@example.com"})", "application/json")->status == 401);
    CHECK(records_after(daemon, before).empty());
  }
}

TEST_CASE("the audit log is filtered, paged and exported, and no route changes it", "[audit]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(DaemonOptions{backend, {}, "", {"hello"}});
  auto http = daemon.http();
  std::string token = daemon.admin_token();
  std::string first = member_id_of(http->Post("/api/v1/admin/members", bearer(token),
                                              R"({"email":"one@example.com","password":"a long enough password 123"})",
                                              "application/json"));
  member_id_of(http->Post("/api/v1/admin/members", bearer(token),
                          R"({"email":"two@example.com","password":"a long enough password 123"})",
                          "application/json"));
  REQUIRE(daemon.unix_socket()->Post("/api/v1/admin/plugins/hello/reload"));

  CHECK(audit(daemon, "?action=member.create").size() == 2);
  auto one = audit(daemon, "?member_id=" + first);
  REQUIRE(one.size() == 1);
  CHECK(one[0]["member_id"] == first);
  CHECK(audit(daemon, "?admin=operator").size() == 1);
  CHECK(audit(daemon, "?admin=admin@memberd.local&action=member.create").size() == 2);
  CHECK(audit(daemon, "?result=refused").empty());
  CHECK(audit(daemon, "?since=2000-01-01T00:00:00Z&until=2000-01-02T00:00:00Z").empty());

  // Pages: newest first, one at a time, to the end.
  std::set<long long> seen;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    auto res = daemon.unix_socket()->Get("/api/v1/admin/audit?limit=1" + (cursor.empty() ? "" : "&cursor=" + cursor));
    REQUIRE(res);
    REQUIRE(res->status == 200);
    auto body = DaemonProcess::json(res);
    for (const auto& item : body["items"]) CHECK(seen.insert(item["id"].get<long long>()).second);
    if (body["next_cursor"].is_null()) break;
    cursor = body["next_cursor"].get<std::string>();
  }
  CHECK(seen.size() == 4);  // the sign-in, two members, the reload

  auto csv = daemon.unix_socket()->Get("/api/v1/admin/audit?format=csv&action=member.create");
  REQUIRE(csv);
  CHECK(csv->status == 200);
  CHECK(csv->get_header_value("Content-Type") == "text/csv; charset=utf-8");
  CHECK(csv->body.rfind("at,admin_id,admin,action,member_id,ip,reason,result,detail\r\n", 0) == 0);
  CHECK(std::count(csv->body.begin(), csv->body.end(), '\n') == 3);

  // Bad filters are 422 with the field named.
  for (const char* bad : {"?since=yesterday", "?result=maybe", "?limit=0", "?cursor=nope", "?format=xml",
                          "?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z"}) {
    auto res = daemon.unix_socket()->Get(std::string("/api/v1/admin/audit") + bad);
    REQUIRE(res);
    INFO(bad << ": " << res->body);
    CHECK(res->status == 422);
  }
  // Read-only: no method but GET, for anyone; members may not read it.
  for (const char* method : {"DELETE", "PUT", "POST", "PATCH"}) {
    httplib::Request req;
    req.method = method;
    req.path = "/api/v1/admin/audit";
    auto res = daemon.unix_socket()->send(req);
    REQUIRE(res);
    CHECK(res->status == 405);
  }
  CHECK(http->Get("/api/v1/admin/audit")->status == 401);
}

TEST_CASE("audit records past retention.audit are deleted by the housekeeping", "[audit]") {
  DaemonProcess daemon(DaemonOptions{"sqlite", {"retention.audit=2s", "retention.interval=1s"}});
  (void)daemon.admin_token();
  REQUIRE(audit(daemon).size() == 1);
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    gone = audit(daemon).empty();
  }
  CHECK(gone);
}

TEST_CASE("review decisions are recorded with the decision, and a bulk approval lists its outcomes", "[audit][reviews]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(DaemonOptions{backend, {}, "", {"credentials", "hello"}});
  auto http = daemon.http();
  std::string token = daemon.admin_token();
  namespace c = memberd::test::credentials;
  auto motto = [&](const std::string& email, const std::string& text) {
    auto session = c::sign_in(daemon, c::join(daemon, email));
    auto submitted = c::put(daemon, "/api/v1/hello/motto", {{"text", text}}, c::bearer(session.token));
    REQUIRE(c::status_of(submitted) == 202);
    return c::body_of(submitted)["revision_id"].get<std::string>();
  };
  std::string first = motto("first@example.com", "Lamps that last."), second = motto("second@example.com", "Bolts.");

  long long before = newest_id(daemon);
  auto approved = http->Post("/api/v1/admin/reviews/" + first + "/approve", bearer(token), "", "application/json");
  REQUIRE(approved);
  CHECK(approved->status == 200);
  auto twice = http->Post("/api/v1/admin/reviews/" + first + "/approve", bearer(token), "", "application/json");
  REQUIRE(twice);
  CHECK(twice->status >= 400);
  json ids{{"revision_ids", {second, "no-such-revision"}}};
  auto bulk = http->Post("/api/v1/admin/reviews/approve", bearer(token), ids.dump(), "application/json");
  REQUIRE(bulk);
  CHECK(bulk->status == 200);

  auto records = records_after(daemon, before);
  REQUIRE(records.size() == 3);
  CHECK(records[0]["action"] == "review.approve");
  CHECK(records[0]["result"] == "done");
  CHECK(records[0]["detail"]["revision_id"] == first);
  CHECK(records[0]["detail"]["decision"] == "approve");
  CHECK(records[1]["action"] == "review.approve");
  CHECK(records[1]["result"] == "refused");
  CHECK(records[2]["action"] == "review.approve_many");
  CHECK(records[2]["result"] == "done");
  REQUIRE(records[2]["detail"]["results"].size() == 2);
  CHECK(records[2]["detail"]["results"][0]["status"] == "approved");
  CHECK(records[2]["detail"]["results"][1]["status"] == "not_found");
}
