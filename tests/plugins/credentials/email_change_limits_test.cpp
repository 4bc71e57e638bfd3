// PUT /api/v1/me/email is no address oracle and no mail cannon (issue 27,
// M3): requests are limited per member and per network, counted before the
// address is looked up, and an address another member holds is answered
// like a free one (its owner is told instead of sent a link).
#include "support/credentials_client.hpp"

#include <catch2/catch.hpp>

#include <thread>

using memberd::test::DaemonProcess;
using namespace memberd::test::credentials;
using nlohmann::json;

namespace {

httplib::Result change_email(const DaemonProcess& d, const std::string& token, const std::string& address) {
  return put(d, "/api/v1/me/email", {{"new_email", address}, {"new_email_confirm", address}}, bearer(token));
}

}  // namespace

TEST_CASE("email changes are limited per member, counted before the address is looked up",
          "[credentials][email][rate_limit]") {
  DaemonProcess daemon(options("sqlite", {"credentials.email_changes_per_member_per_hour=3"}));
  auto m = joined_and_stepped_up(daemon, "amy@example.com");
  join(daemon, "taken@example.com");

  CHECK_STATUS(change_email(daemon, m.session.token, "amy1@example.com"), 202);
  CHECK_STATUS(change_email(daemon, m.session.token, "taken@example.com"), 202);
  CHECK_STATUS(change_email(daemon, m.session.token, "amy2@example.com"), 202);
  // The fourth is refused whatever the address: free, taken, or the first again.
  for (const char* address : {"amy3@example.com", "taken@example.com", "amy1@example.com"}) {
    INFO(address);
    auto refused = change_email(daemon, m.session.token, address);
    CHECK_PROBLEM(refused, 429, "rate_limited");
    CHECK(retry_after(refused) >= 1);
    CHECK(retry_after(refused) <= 3600);
  }
  // Another member has a budget of their own.
  auto other = joined_and_stepped_up(daemon, "bo@example.com");
  CHECK_STATUS(change_email(daemon, other.session.token, "bo1@example.com"), 202);
}

TEST_CASE("email changes are limited per network", "[credentials][email][rate_limit]") {
  DaemonProcess daemon(options("sqlite", {"credentials.email_changes_per_network_per_hour=4"}));
  auto a = joined_and_stepped_up(daemon, "cy@example.com");
  auto b = joined_and_stepped_up(daemon, "di@example.com");
  CHECK_STATUS(change_email(daemon, a.session.token, "cy1@example.com"), 202);
  CHECK_STATUS(change_email(daemon, a.session.token, "cy2@example.com"), 202);
  CHECK_STATUS(change_email(daemon, b.session.token, "di1@example.com"), 202);
  CHECK_STATUS(change_email(daemon, b.session.token, "di2@example.com"), 202);
  auto refused = change_email(daemon, b.session.token, "di3@example.com");
  CHECK_PROBLEM(refused, 429, "rate_limited");
  CHECK(retry_after(refused) >= 1);
}

TEST_CASE("an address another member holds is answered like a free one", "[credentials][email]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(options(backend));
  auto m = joined_and_stepped_up(daemon, "eli@example.com");
  join(daemon, "fay@example.com");
  auto before = mail_files(daemon);

  auto free_one = change_email(daemon, m.session.token, "eli.new@example.com");
  auto taken = change_email(daemon, m.session.token, " FAY@Example.com");
  REQUIRE_STATUS(free_one, 202);
  REQUIRE_STATUS(taken, 202);
  CHECK(body_of(free_one) == json{{"pending_email", "eli.new@example.com"}});
  CHECK(body_of(taken) == json{{"pending_email", "fay@example.com"}});
  CHECK(taken->get_header_value("Content-Type") == free_one->get_header_value("Content-Type"));

  // The member's own address is told of both requests alike.
  std::string notice_free = wait_for_mail(daemon, "eli@example.com", "eli.new@example.com", before);
  std::string notice_taken = wait_for_mail(daemon, "eli@example.com", "fay@example.com", before);
  // The owner of the taken address is told, and gets no link that could move it.
  std::string owner = wait_for_mail(daemon, "fay@example.com", "already belongs to your account", before);
  CHECK(owner.find("verify-email?token=") == std::string::npos);
  wait_for_mail(daemon, "eli.new@example.com", "verify-email?token=", before);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (const auto& eml : mails_to(daemon, "fay@example.com", before))
    CHECK(eml.find("verify-email?token=") == std::string::npos);

  // Nothing moved.
  CHECK(me(daemon, m.session.token)["email"] == "eli@example.com");
  CHECK_STATUS(sign_in_raw(daemon, "fay@example.com", kPassword), 201);
}

// The socket operator acts as an admin but is no member: the privileged
// routes let it through the step-up check, so the handler itself must
// refuse it, as PUT /api/v1/me/password does. Before this, it reached the
// flow with an empty member id, issued a link for member "" and mailed a
// notice to an empty address.
TEST_CASE("the socket operator is no member and changes no email", "[credentials][email]") {
  DaemonProcess daemon(options("sqlite"));
  const auto mail_before = memberd::test::mail_messages(daemon).size();
  auto res = daemon.unix_socket()->Put("/api/v1/me/email",
                                        json{{"new_email", "x@example.com"}, {"new_email_confirm", "x@example.com"}}.dump(),
                                        "application/json");
  CHECK_STATUS(res, 403);
  CHECK(body_of(res)["type"] == "urn:memberd:problem:member_only");
  // Nor does it learn whether a question is set for member "".
  auto question = daemon.unix_socket()->Get("/api/v1/me/security-question");
  CHECK_STATUS(question, 403);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // mail is written after the response
  CHECK(memberd::test::mail_messages(daemon).size() == mail_before);
}
