#pragma once
// A black-box client for the `credentials` plugin's integration tests: it
// speaks only the HTTP contract (plugins/credentials/openapi.yaml) and reads the mail the daemon writes as .eml files
// under <data_dir>/mail/. Every request goes to the test's own daemon on
// 127.0.0.1 (or its Unix socket); nothing here reaches further.
#include "support/daemon_process.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace memberd::test::credentials {

// Passwords that pass the default policy (12+ characters, not on the common
// list, not containing the local part of any address used in the tests).
inline const std::string kPassword = "violet tangerine orbit 4821";
inline const std::string kNewPassword = "quiet harbour lantern 9305";
inline const std::string kWrongPassword = "definitely not it 0000";
// A security answer as a member would type it, and the id of a default question.
inline const std::string kAnswer = "Blue Whale";
inline const std::string kQuestion = "first_pet";

// A daemon with the credentials plugin enabled (and nothing else).
DaemonOptions options(const std::string& backend = "sqlite", std::vector<std::string> sets = {});

// ---------------------------------------------------------------------------
// HTTP
httplib::Headers bearer(const std::string& token);
httplib::Result get(const DaemonProcess& d, const std::string& path, const httplib::Headers& headers = {});
httplib::Result post(const DaemonProcess& d, const std::string& path, const nlohmann::json& body,
                     const httplib::Headers& headers = {});
httplib::Result put(const DaemonProcess& d, const std::string& path, const nlohmann::json& body,
                    const httplib::Headers& headers = {});
// A POST without a body (Content-Length: 0), as a browser sends for actions.
httplib::Result post_empty(const DaemonProcess& d, const std::string& path, const httplib::Headers& headers = {});
httplib::Result del(const DaemonProcess& d, const std::string& path, const httplib::Headers& headers = {});
// A DELETE with a JSON body (an admin action's {"reason": ...}).
httplib::Result del(const DaemonProcess& d, const std::string& path, const nlohmann::json& body,
                    const httplib::Headers& headers);

// The status, or -1 when no response came.
int status_of(const httplib::Result& res);
// "422 {...body...}" or the transport error, for failure messages.
std::string describe(const httplib::Result& res);
// The body as JSON; null when there is no response or it is not JSON.
nlohmann::json body_of(const httplib::Result& res);
// The problem `type` ("urn:memberd:problem:<slug>"), or "" when none.
std::string problem_type(const httplib::Result& res);
// Retry-After in seconds, or -1 when absent or not a number.
int retry_after(const httplib::Result& res);
// The value a Set-Cookie header gives `name`, and that whole header ("" when none).
std::string cookie_value(const httplib::Result& res, const std::string& name);
std::string set_cookie_header(const httplib::Result& res, const std::string& name);

// `2026-11-29T12:17:00Z` (fractions of a second allowed) -> a time point.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text);
bool is_rfc3339(const nlohmann::json& value);
// Whether a problem body's `errors` object names `field`.
bool has_field_error(const nlohmann::json& problem, const std::string& field);
std::string lower(std::string text);

// ---------------------------------------------------------------------------
// The contract's calls
struct Account {
  std::string email, password, member_id;
};

struct Session {
  std::string token, csrf_token, member_id;
  std::string session_cookie, csrf_cookie;  // the cookie values as set by the response
  nlohmann::json body;
};

httplib::Result join_raw(const DaemonProcess& d, const std::string& email, const std::string& email_confirm,
                         const std::string& password, const std::string& password_confirm);
// Joins (REQUIREs 201) and returns the member.
Account join(const DaemonProcess& d, const std::string& email, const std::string& password = kPassword);

// Confirms the address `email` joined with through the link in its welcome
// mail, as the member would (REQUIREs the mail and a 200).
void confirm_email(const DaemonProcess& d, const std::string& email);
// Joins and confirms the address: setting a question or changing the email
// needs a confirmed one.
Account join_confirmed(const DaemonProcess& d, const std::string& email, const std::string& password = kPassword);

httplib::Result sign_in_raw(const DaemonProcess& d, const std::string& email, const std::string& password);
// Signs in (REQUIREs 201).
Session sign_in(const DaemonProcess& d, const std::string& email, const std::string& password);
Session sign_in(const DaemonProcess& d, const Account& account);

httplib::Result me_raw(const DaemonProcess& d, const std::string& token);
// GET /api/v1/me (REQUIREs 200).
nlohmann::json me(const DaemonProcess& d, const std::string& token);

httplib::Result set_question_raw(const DaemonProcess& d, const std::string& token, const std::string& question_id,
                                 const std::string& answer, const std::string& current_password);
// A first question counts as the step-up: REQUIREs 200 and a renewed
// token, which replaces `token`; a replacement inside the window, 204.
void set_question(const DaemonProcess& d, std::string& token, const std::string& question_id,
                  const std::string& answer, const std::string& current_password);

httplib::Result step_up_raw(const DaemonProcess& d, const std::string& token, const std::string& current_password,
                            const std::string& answer);
// REQUIREs 200 and a renewed token, which replaces `token` (the old one is
// dead after a step-up); returns `privileged_until`.
std::string step_up(const DaemonProcess& d, std::string& token, const std::string& current_password,
                    const std::string& answer);

// A member who joined, confirmed the address, signed in, set the `kQuestion` question to `answer`
// and passed a step-up on that session.
struct SteppedUp {
  Account account;
  Session session;
};
SteppedUp joined_and_stepped_up(const DaemonProcess& d, const std::string& email, const std::string& answer = kAnswer);

// Many failures come from 127.0.0.1 in tests: keeps the per-network limit out of the way.
inline const std::string kNoAddressLimit = "credentials.address_failures_per_minute=1000";

httplib::Result request_reset(const DaemonProcess& d, const std::string& email);
// Requests a reset for `email` and returns the token mailed to `to` (REQUIREs 202 and the mail).
std::string reset_token(const DaemonProcess& d, const std::string& email, const std::string& to);
httplib::Result complete_reset(const DaemonProcess& d, const std::string& token, const std::string& answer,
                               const std::string& new_password, const std::string& confirm);

// An admin's bearer header for `d`: one admin session per daemon, signed in
// on first use (admin sign-in is rate limited, so not one per call).
httplib::Headers admin(const DaemonProcess& d);

// The admin member list's entry for `email`, through the socket operator.
nlohmann::json admin_member_entry(const DaemonProcess& d, const std::string& email);

// ---------------------------------------------------------------------------
// Mail (the `file` transport: <data_dir>/mail/*.eml)

// The names of the message files written so far: pass them as `ignore` to
// wait only for messages written after this moment.
std::set<std::string> mail_files(const DaemonProcess& d);
// Messages addressed to `to` (a "To: <to>\r\n" header), oldest first,
// leaving out the files in `ignore`.
std::vector<std::string> mails_to(const DaemonProcess& d, const std::string& to,
                                  const std::set<std::string>& ignore = {});
// The first message to `to` whose text contains `contains` (may be ""),
// waiting for asynchronous delivery; FAILs the test after `timeout`.
std::string wait_for_mail(const DaemonProcess& d, const std::string& to, const std::string& contains,
                          const std::set<std::string>& ignore = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));
// The token in the first "<action>?token=<token>" link of a message
// ("reset-password", "verify-email", "confirm-email"); "" when there is none.
std::string extract_token(const std::string& eml, const std::string& action);
// Whether `token` looks like the contract's tokens: base64url, 40+ characters.
bool is_token(const std::string& token);

// ---------------------------------------------------------------------------
// The daemon's log holds none of `secrets`.
void check_log_has_none_of(const DaemonProcess& d, const std::vector<std::string>& secrets);

// State that outlives one daemon (data dir and database), to restart on it.
class KeptState {
 public:
  explicit KeptState(std::string backend);
  ~KeptState();
  KeptState(const KeptState&) = delete;
  DaemonOptions options(std::vector<std::string> sets = {}) const;
  // A direct connection to the database, for checking and ageing rows.
  std::unique_ptr<soci::session> open() const;

 private:
  std::string backend_, dir_, url_;
  std::unique_ptr<ScratchPostgres> postgres_;
};

}  // namespace memberd::test::credentials

// Assertions that name the response when they fail. `res` is evaluated once.
#define CREDENTIALS_RESPONSE_INFO(r_) INFO("response: " << ::memberd::test::credentials::describe(r_))

#define CHECK_STATUS(res, expected_status)                                      \
  do {                                                                          \
    const ::httplib::Result& check_status_r_ = (res);                           \
    CREDENTIALS_RESPONSE_INFO(check_status_r_);                                 \
    CHECK(::memberd::test::credentials::status_of(check_status_r_) == (expected_status)); \
  } while (0)

#define REQUIRE_STATUS(res, expected_status)                                    \
  do {                                                                          \
    const ::httplib::Result& require_status_r_ = (res);                         \
    CREDENTIALS_RESPONSE_INFO(require_status_r_);                               \
    REQUIRE(::memberd::test::credentials::status_of(require_status_r_) == (expected_status)); \
  } while (0)

// A problem document with this status and slug, served as application/problem+json.
#define CHECK_PROBLEM(res, expected_status, slug)                                                      \
  do {                                                                                                 \
    const ::httplib::Result& check_problem_r_ = (res);                                                 \
    CREDENTIALS_RESPONSE_INFO(check_problem_r_);                                                       \
    CHECK(::memberd::test::credentials::status_of(check_problem_r_) == (expected_status));             \
    CHECK(::memberd::test::credentials::problem_type(check_problem_r_) ==                              \
          std::string("urn:memberd:problem:") + (slug));                                               \
    if (check_problem_r_)                                                                              \
      CHECK(check_problem_r_->get_header_value("Content-Type").rfind("application/problem+json", 0) == 0); \
  } while (0)

// A 422 validation problem whose `errors` names `field`.
#define CHECK_FIELD_ERROR(res, field)                                                                  \
  do {                                                                                                 \
    const ::httplib::Result& check_field_r_ = (res);                                                   \
    CREDENTIALS_RESPONSE_INFO(check_field_r_);                                                         \
    CHECK(::memberd::test::credentials::status_of(check_field_r_) == 422);                             \
    CHECK(::memberd::test::credentials::problem_type(check_field_r_) == "urn:memberd:problem:validation"); \
    auto check_field_body_ = ::memberd::test::credentials::body_of(check_field_r_);                    \
    INFO("expected an errors entry for " << (field));                                                  \
    CHECK(::memberd::test::credentials::has_field_error(check_field_body_, field));                    \
  } while (0)
