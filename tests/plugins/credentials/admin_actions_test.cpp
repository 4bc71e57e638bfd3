// The credentials plugin's admin actions (issue 32): what the console's
// "Sign-in and recovery" panel shows of a member and does for them — a
// password reset mailed on the member's behalf, a lost security question
// removed for the proven owner of a confirmed address. Each needs a reason
// and is one audit record; a refusal changes nothing.
#include "support/credentials_client.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using memberd::test::DaemonProcess;
using namespace memberd::test::credentials;
using nlohmann::json;

namespace {

const json kReason = {{"reason", "Ticket 815: the owner showed their ID"}};

std::string path_of(const Account& account, const std::string& what) {
  return "/api/v1/admin/members/" + account.member_id + "/" + what;
}

json records_of(const DaemonProcess& d, const std::string& member_id) {
  auto res = d.unix_socket()->Get("/api/v1/admin/audit?limit=100&member_id=" + member_id);
  REQUIRE(status_of(res) == 200);
  json items = body_of(res)["items"], out = json::array();
  for (auto it = items.rbegin(); it != items.rend(); ++it) out.push_back(*it);
  return out;
}

}  // namespace

TEST_CASE("an admin sends a member a password reset that works like their own", "[credentials][admin]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(options(backend));
  auto account = join(daemon, "gil@example.com");
  auto before = mail_files(daemon);
  CHECK_FIELD_ERROR(post(daemon, path_of(account, "password-reset"), json::object(), admin(daemon)), "reason");
  CHECK_PROBLEM(post(daemon, "/api/v1/admin/members/no-such-member/password-reset", kReason, admin(daemon)), 404,
                "not_found");
  auto sent = post(daemon, path_of(account, "password-reset"), kReason, admin(daemon));
  CHECK_STATUS(sent, 202);
  auto mail = wait_for_mail(daemon, "gil@example.com", "reset-password?token=", before);
  std::string token = extract_token(mail, "reset-password");
  REQUIRE(is_token(token));
  CHECK_STATUS(complete_reset(daemon, token, "", "copper lanterns by the quay", "copper lanterns by the quay"), 204);
  CHECK_STATUS(sign_in_raw(daemon, "gil@example.com", "copper lanterns by the quay"), 201);

  auto records = records_of(daemon, account.member_id);
  REQUIRE(records.size() == 2);  // the 422 and the one sent (the 404 names no member)
  CHECK(records[0]["result"] == "refused");
  CHECK(records[1]["action"] == "credentials.password_reset_send");
  CHECK(records[1]["result"] == "done");
  CHECK(records[1]["reason"] == kReason["reason"]);
}

TEST_CASE("an admin removes a lost security question only for a confirmed address and the owner is told",
          "[credentials][admin]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(options(backend));

  SECTION("an address nobody confirmed: refused (no owner has proved it), recorded as refused, nobody mailed") {
    auto account = join(daemon, "hal@example.com");
    auto facts = body_of(get(daemon, path_of(account, "credentials"), admin(daemon)));
    CHECK(facts["email_confirmed"] == false);
    CHECK(facts["security_question"].is_null());
    // The welcome mail is sent after the answer: it must be out before the
    // mails are counted (under the sanitizers it came after, and counted).
    wait_for_mail(daemon, "hal@example.com", "confirm-email?token=", {});
    auto before = mail_files(daemon);
    CHECK_PROBLEM(del(daemon, path_of(account, "security-question"), kReason, admin(daemon)), 409,
                  "address_unconfirmed");
    auto records = records_of(daemon, account.member_id);
    REQUIRE(records.size() == 1);
    CHECK(records[0]["action"] == "credentials.question_clear");
    CHECK(records[0]["result"] == "refused");
    CHECK(records[0]["detail"]["problem"] == "address_unconfirmed");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(mails_to(daemon, "hal@example.com", before).empty());
  }

  SECTION("a confirmed address: removed, mailed, and the member is guided to set a new one") {
    auto stepped = joined_and_stepped_up(daemon, "ida@example.com");
    const Account& account = stepped.account;
    auto facts = body_of(get(daemon, path_of(account, "credentials"), admin(daemon)));
    CHECK(facts["email_confirmed"] == true);
    CHECK(facts["security_question"]["id"] == kQuestion);
    CHECK(facts["security_question"]["text"].is_string());
    CHECK_FALSE(facts.dump().find("answer") != std::string::npos);  // never the answer, nor its hash

    CHECK_FIELD_ERROR(del(daemon, path_of(account, "security-question"), json::object(), admin(daemon)), "reason");
    CHECK(body_of(get(daemon, path_of(account, "credentials"), admin(daemon)))["security_question"].is_object());

    auto before = mail_files(daemon);
    CHECK_STATUS(del(daemon, path_of(account, "security-question"), kReason, admin(daemon)), 204);
    wait_for_mail(daemon, "ida@example.com", "removed the security question", before);
    CHECK(body_of(get(daemon, path_of(account, "credentials"), admin(daemon)))["security_question"].is_null());
    // The member's own view agrees: no question now.
    CHECK_PROBLEM(get(daemon, "/api/v1/me/security-question", bearer(stepped.session.token)), 404, "not_found");
    CHECK_PROBLEM(del(daemon, path_of(account, "security-question"), kReason, admin(daemon)), 409, "no_question");

    auto records = records_of(daemon, account.member_id);
    REQUIRE(records.size() == 3);
    CHECK(records[1]["action"] == "credentials.question_clear");
    CHECK(records[1]["result"] == "done");
    CHECK(records[1]["detail"]["question_id"] == kQuestion);
    CHECK(records[2]["result"] == "refused");
  }
}
