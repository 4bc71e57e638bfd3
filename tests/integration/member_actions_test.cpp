// What an admin may do to a member (issue 32), black-box on both backends:
// disable and enable (sessions end at once, on every daemon; sign-in is
// refused with a clear message, and only after the right password), the
// admin role (never the last enabled admin), the sign-in lock lifted. Each
// action needs a reason and leaves exactly one audit record, also when it
// is refused.
#include "support/credentials_client.hpp"
#include "support/daemon_process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;
using memberd::test::ScratchPostgres;
using namespace memberd::test::credentials;
using nlohmann::json;

namespace {

const json kReason = {{"reason", "Ticket 4711: the member asked us by phone"}};

std::string member_path(const std::string& id, const std::string& action) {
  return "/api/v1/admin/members/" + id + "/" + action;
}

// The audit records about `member_id`, oldest first.
json records_of(const DaemonProcess& d, const std::string& member_id) {
  auto res = d.unix_socket()->Get("/api/v1/admin/audit?limit=500&member_id=" + member_id);
  REQUIRE(status_of(res) == 200);
  json items = body_of(res)["items"], out = json::array();
  for (auto it = items.rbegin(); it != items.rend(); ++it) out.push_back(*it);
  return out;
}

// Through the local socket: the operator acts as an admin.
httplib::Result operator_call(const DaemonProcess& d, const std::string& method, const std::string& path,
                              const json& body) {
  auto client = d.unix_socket();
  if (method == "PUT") return client->Put(path, body.dump(), "application/json");
  if (method == "DELETE") return client->Delete(path, body.dump(), "application/json");
  return client->Post(path, body.dump(), "application/json");
}

}  // namespace

TEST_CASE("a disabled member is signed out everywhere and told why at sign-in until enabled again",
          "[admin][members]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(options(backend));
  auto account = join(daemon, "dee@example.com");
  auto phone = sign_in(daemon, account), laptop = sign_in(daemon, account);
  const auto disable = member_path(account.member_id, "disable");

  // No reason, no action: 422 next to the field, and nothing changed.
  CHECK_FIELD_ERROR(post(daemon, disable, json::object(), admin(daemon)), "reason");
  CHECK_FIELD_ERROR(post(daemon, disable, {{"reason", "   "}}, admin(daemon)), "reason");
  CHECK_STATUS(me_raw(daemon, phone.token), 200);

  CHECK_STATUS(post(daemon, disable, kReason, admin(daemon)), 204);
  CHECK_STATUS(me_raw(daemon, phone.token), 401);
  CHECK_STATUS(me_raw(daemon, laptop.token), 401);
  CHECK(is_rfc3339(admin_member_entry(daemon, "dee@example.com")["disabled_at"]));

  // The right password hears why; a wrong one hears only that it is wrong,
  // so the refusal tells nobody without the password anything.
  auto refused = sign_in_raw(daemon, "dee@example.com", kPassword);
  CHECK_PROBLEM(refused, 403, "account_disabled");
  CHECK(body_of(refused)["detail"].get<std::string>().find("Contact support") != std::string::npos);
  CHECK_PROBLEM(sign_in_raw(daemon, "dee@example.com", kWrongPassword), 401, "bad_credentials");

  // Again: no error, nothing changes.
  CHECK_STATUS(post(daemon, disable, kReason, admin(daemon)), 204);
  CHECK_STATUS(post(daemon, member_path(account.member_id, "enable"), kReason, admin(daemon)), 204);
  CHECK(admin_member_entry(daemon, "dee@example.com")["disabled_at"].is_null());
  CHECK_STATUS(sign_in_raw(daemon, "dee@example.com", kPassword), 201);

  // One record per request, the refused ones too, each with its reason.
  auto records = records_of(daemon, account.member_id);
  REQUIRE(records.size() == 5);
  CHECK(records[0]["action"] == "member.disable");
  CHECK(records[0]["result"] == "refused");
  CHECK(records[1]["result"] == "refused");
  CHECK(records[2]["result"] == "done");
  CHECK(records[2]["reason"] == kReason["reason"]);
  CHECK(records[2]["detail"]["changed"] == true);
  CHECK(records[3]["detail"]["changed"] == false);
  CHECK(records[4]["action"] == "member.enable");
  CHECK(records[4]["result"] == "done");
}

TEST_CASE("a member disabled through one daemon is refused at once by another on the same database",
          "[admin][members][postgresql]") {
  ScratchPostgres database;
  auto opts = options("postgresql");
  opts.database_url = database.url();
  // Each daemon keeps checked sessions for a minute: the end must travel by
  // the change feed, not by the cache running out.
  opts.sets.push_back("sessions.cache_ttl=60s");
  DaemonProcess a(opts), b(opts);
  auto account = join(a, "far@example.com");
  auto s = sign_in(a, account);
  CHECK_STATUS(me_raw(b, s.token), 200);  // b has it in memory now
  CHECK_STATUS(post(a, member_path(account.member_id, "disable"), kReason, admin(a)), 204);
  bool refused = false;
  for (int i = 0; i < 500 && !refused; ++i) {  // the feed's notice: within a moment, 10 s on a loaded machine
    refused = status_of(me_raw(b, s.token)) == 401;
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(refused);
  CHECK_PROBLEM(sign_in_raw(b, "far@example.com", kPassword), 403, "account_disabled");
}

TEST_CASE("the admin role is granted at once and removed but never from the last enabled admin", "[admin][members]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(options(backend));
  const std::string first = admin_member_entry(daemon, "admin@memberd.local")["member_id"];
  auto eve = join(daemon, "eve@example.com");
  auto session = sign_in(daemon, eve);
  CHECK_STATUS(get(daemon, "/api/v1/admin/members", bearer(session.token)), 403);

  // The only admin may neither lose the role nor be disabled.
  CHECK_PROBLEM(del(daemon, member_path(first, "roles/admin"), kReason, admin(daemon)), 409, "last_admin");
  CHECK_PROBLEM(post(daemon, member_path(first, "disable"), kReason, admin(daemon)), 409, "last_admin");

  // Granted: Eve's session, already open, is an admin's on its next request.
  CHECK_STATUS(put(daemon, member_path(eve.member_id, "roles/admin"), kReason, admin(daemon)), 204);
  CHECK_STATUS(get(daemon, "/api/v1/admin/members", bearer(session.token)), 200);
  CHECK(admin_member_entry(daemon, "eve@example.com")["roles"] == json::array({"admin"}));

  // Two admins: one may go; then the other is the last.
  CHECK_STATUS(del(daemon, member_path(first, "roles/admin"), kReason, bearer(session.token)), 204);
  CHECK_STATUS(get(daemon, "/api/v1/admin/members", admin(daemon)), 403);  // its session is a member's now
  CHECK_PROBLEM(del(daemon, member_path(eve.member_id, "roles/admin"), kReason, bearer(session.token)), 409,
                "last_admin");
  // A disabled admin does not count: with the first disabled, Eve is the last.
  CHECK_STATUS(operator_call(daemon, "PUT", member_path(first, "roles/admin"), kReason), 204);
  CHECK_STATUS(operator_call(daemon, "POST", member_path(first, "disable"), kReason), 204);
  CHECK_PROBLEM(operator_call(daemon, "DELETE", member_path(eve.member_id, "roles/admin"), kReason), 409, "last_admin");

  CHECK_PROBLEM(put(daemon, member_path("00000000-0000-0000-0000-000000000000", "roles/admin"), kReason,
                    bearer(session.token)),
                404, "not_found");
  auto records = records_of(daemon, first);
  REQUIRE(records.size() >= 4);
  CHECK(records[0]["action"] == "member.admin_remove");
  CHECK(records[0]["result"] == "refused");
  CHECK(records[0]["detail"]["status"] == 409);
  CHECK(records[1]["action"] == "member.disable");
  CHECK(records[1]["result"] == "refused");
}

TEST_CASE("an admin lifts the sign-in lock", "[admin][members]") {
  DaemonProcess daemon(options("sqlite", {"sign_in.lock_after_failures=1"}));
  auto account = join(daemon, "lou@example.com");
  (void)sign_in_raw(daemon, "lou@example.com", kWrongPassword);
  REQUIRE_STATUS(sign_in_raw(daemon, "lou@example.com", kPassword), 429);
  REQUIRE(is_rfc3339(admin_member_entry(daemon, "lou@example.com")["locked_until"]));

  CHECK_STATUS(post(daemon, member_path(account.member_id, "unlock"), kReason, admin(daemon)), 204);
  CHECK(admin_member_entry(daemon, "lou@example.com")["locked_until"].is_null());
  CHECK_STATUS(sign_in_raw(daemon, "lou@example.com", kPassword), 201);
  auto records = records_of(daemon, account.member_id);
  REQUIRE(records.size() == 1);
  CHECK(records[0]["action"] == "member.unlock");
}

TEST_CASE("an admin closes an account for the member, who may keep it within the grace", "[admin][members][closure]") {
  DaemonProcess daemon(options("sqlite", {"accounts.closure_grace=7d"}));
  auto account = join(daemon, "max@example.com");
  auto session = sign_in(daemon, account);
  CHECK_FIELD_ERROR(post(daemon, member_path(account.member_id, "close"), json::object(), admin(daemon)), "reason");
  auto closed = post(daemon, member_path(account.member_id, "close"), kReason, admin(daemon));
  REQUIRE_STATUS(closed, 202);
  CHECK(is_rfc3339(body_of(closed)["closes_at"]));
  CHECK_STATUS(me_raw(daemon, session.token), 401);
  CHECK(admin_member_entry(daemon, "max@example.com")["closes_at"] == body_of(closed)["closes_at"]);
  auto records = records_of(daemon, account.member_id);
  REQUIRE(records.size() == 2);
  CHECK(records[1]["action"] == "member.close");
  CHECK(records[1]["result"] == "done");
  CHECK(records[1]["detail"]["grace_seconds"] == 7 * 24 * 3600);

  auto back = sign_in(daemon, account);
  CHECK_STATUS(del(daemon, "/api/v1/me/closure", bearer(back.token)), 204);
  CHECK(admin_member_entry(daemon, "max@example.com")["closes_at"].is_null());
}
