// Join, sign in, sign out, and the member's own record.
#include "answers.hpp"
#include "confirmation.hpp"
#include "last_sign_in.hpp"
#include "notices.hpp"
#include "replies.hpp"
#include "routes.hpp"

#include <memberd/database.hpp>
#include <memberd/email_address.hpp>
#include <memberd/json.hpp>
#include <memberd/session_cookies.hpp>
#include <memberd/sign_in_factors.hpp>

namespace memberd::credentials {

namespace {

// 256 characters of up to 4 bytes; 254 octets is the longest address (RFC 5321).
constexpr std::size_t kMaxPasswordBytes = 1024;
constexpr std::size_t kMaxEmailBytes = 254;

Response join(Context& ctx, const Request& req) {
  const auto& body = req.json();
  auto email = string_field(body, "email").value_or("");
  auto email_confirm = string_field(body, "email_confirm").value_or("");
  auto password = string_field(body, "password").value_or("");
  auto password_confirm = string_field(body, "password_confirm").value_or("");
  std::string normalized = normalize_email(email);
  FieldErrors errors;
  // Every field's problem at once: the member fixes the form in one go.
  if (!looks_like_email(normalized)) errors.emplace_back("email", "Enter a valid email address.");
  if (normalize_email(email_confirm) != normalized)
    errors.emplace_back("email_confirm", "The two email addresses differ.");
  if (auto problem_text = ctx.host.password_rules().problem(password, normalized))
    errors.emplace_back("password", *problem_text);
  if (password_confirm != password) errors.emplace_back("password_confirm", "The two passwords differ.");
  if (!errors.empty()) return validation_failed(errors);

  auto& work = req.work();
  // Every join that gets this far is counted for the client network: the 409
  // for a taken address is in the contract, so it must not answer a scan of
  // addresses (OWASP ASVS 5.0 V6.3, the authentication cheat sheet).
  MEMBERD_TRY(count_for_network(ctx, req, "join", ctx.settings.joins_per_network_per_hour, std::chrono::hours(1),
                                "Too many new accounts from your network; try again later."));
  auto hash = ctx.host.accounts().hash_password(work, password);
  if (!hash) return refusal_problem(hash.failure());
  // The member, the event and the welcome mail commit together.
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  auto id = ctx.host.accounts().create_member(work, normalized, *hash, {});
  if (!id && id.failure().refusal == Refusal::taken) return email_taken("email", "Sign in, or reset your password.");
  if (!id) return refusal_problem(id.failure());
  MEMBERD_TRY(ctx.host.events().publish(work, "member.created", {{"member_id", *id}, {"by", "self"}, {"ip", req.client_ip()}}));
  // Joining proves nothing about the address: until the welcome mail's link
  // is used the account cannot set a question or change its email, and a
  // reset link alone reclaims it (issue 27, M4).
  auto link = start_confirmation(ctx, work, *id, normalized);
  if (!link) return refusal_problem(link.failure());
  MEMBERD_TRY(mail_welcome(ctx.host, work, normalized, *link, ctx.settings.verification_token_lifetime));
  MEMBERD_TRY(tx->commit());
  return json_response(201, {{"member_id", *id}, {"email_confirmed", false}});
}

// 202: the password was right, and the second step comes next.
Response second_step_needed(const SecondStepChallenge& challenge) {
  return json_response(202, {{"second_step", {{"challenge", challenge.token},
                                              {"expires_at", challenge.expires_at},
                                              {"methods", challenge.methods}}}});
}

Response sign_in(Context& ctx, const Request& req) {
  auto email = normalize_email(string_field(req.json(), "email").value_or(""));
  auto password = string_field(req.json(), "password").value_or("");
  FieldErrors errors;
  if (email.empty()) errors.emplace_back("email", "Enter your email address.");
  if (password.empty()) errors.emplace_back("password", "Enter your password.");
  // No password here is longer than 256 characters; hashing megabytes for
  // a guess would only burn the hashing pool.
  if (password.size() > kMaxPasswordBytes) errors.emplace_back("password", "That is longer than any password here.");
  if (email.size() > kMaxEmailBytes) errors.emplace_back("email", "That is longer than any email address.");
  if (!errors.empty()) return validation_failed(errors);

  auto& work = req.work();
  auto member = ctx.host.accounts().find_by_email(work, email);
  if (!member && member.failure().refusal != Refusal::not_found) return refusal_problem(member.failure());
  // Unknown emails cost the same hash and get the same answer as wrong
  // passwords, and lock the same way.
  std::string member_id = member ? member->member_id : std::string();
  auto attempt = reserve_attempt(ctx, req, email, member_id);
  if (!attempt) return refusal_problem(attempt.failure());
  auto check = ctx.host.accounts().verify_password(work, member_id, password);
  if (!check) {
    release_attempt(ctx, req, *attempt);
    return refusal_problem(check.failure());
  }
  if (*check == PasswordCheck::wrong) {
    auto outcome = count_failure(ctx, req, *attempt, email, "password", GuessKind::sign_in);
    if (outcome.refusal) return *outcome.refusal;
    // No attempts_left here, unlike the step-up's 403: a member's own
    // sign-in elsewhere resets their count, an unknown address's never, so
    // two probes a while apart would tell who is a member. The page states
    // the rule instead.
    return problem(401, "bad_credentials", "Email or password is wrong", "Check both and try again.");
  }
  // A member who turned on a second step gets a challenge, not a session;
  // the provider's route finishes the sign-in. The right password does not
  // clear the failures: the codes guessed next count on the same lock. When
  // the provider is missing the member is refused (503), never let in.
  auto second_step = ctx.host.sign_in_factors().challenge(work, member_id, req);
  if (!second_step || *second_step) release_attempt(ctx, req, *attempt);
  if (!second_step) return refusal_problem(second_step.failure());
  if (*second_step) return second_step_needed(**second_step);
  // The session, its event, the cleared failures and the trusted device
  // commit together.
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  MEMBERD_TRY(count_success(ctx, req, *attempt));
  auto device = ctx.host.sign_in_guard().trust_device(work, member_id, device_token(req));
  if (!device) return refusal_problem(device.failure());
  auto session = ctx.host.accounts().open_session(work, member_id, req.client_ip(), req.user_agent());
  if (!session) return refusal_problem(session.failure());
  auto last = swap_last_sign_in(ctx.host, work, member_id, std::string(req.client_ip()), std::string(req.user_agent()));
  if (!last) return refusal_problem(last.failure());
  auto event = audit(req, member_id);
  event["session_id"] = session->session_id;
  event["trusted_device"] = attempt->trusted_device;
  MEMBERD_TRY(ctx.host.events().publish(work, "session.created", event));
  MEMBERD_TRY(tx->commit());
  ctx.host.metrics().increment("sign_ins_total", "Successful sign-ins");
  auto r = json_response(201, {{"token", session->token},
                               {"csrf_token", session->csrf_token},
                               {"expires_at", session->expires_at},
                               {"member_id", member_id},
                               {"last_sign_in", *last}});
  add_session_cookies(r, *session, ctx.host.secure_cookies());
  add_device_cookie(r, *device, ctx.host.sign_in_guard().trusted_device_lifetime(), ctx.host.secure_cookies());
  return r;
}

Response sign_out(Context& ctx, const Request& req) {
  if (!req.caller().session_id.empty()) MEMBERD_TRY(ctx.host.accounts().revoke_session(req.work(), req.caller().session_id));
  auto r = no_content();
  clear_session_cookies(r, ctx.host.secure_cookies());
  return r;
}

Response me(Context& ctx, const Request& req) {
  if (req.caller().member_id.empty())
    return problem(403, "member_only", "Members only", "This is a member's own record; sign in as the member.");
  // The session carries the member and this plugin's facts are kept in
  // memory, both dropped on every daemon by any change: a page view on a
  // cached session reads nothing.
  const auto& caller = req.caller();
  auto facts = ctx.member_facts.read(req.work(), caller.member_id);
  if (!facts) return refusal_problem(facts.failure());
  return json_response(200, {{"member_id", caller.member_id},
                             {"email", caller.email},
                             {"email_confirmed", facts->email_confirmed},
                             {"roles", caller.roles},
                             {"security_question_set", facts->question_set},
                             {"created_at", caller.member_since}});
}

}  // namespace

void add_account_routes(Context& ctx) {
  ctx.host.add_route({"POST", "/api/v1/members", Access::anyone, Body::json, [&ctx](const Request& r) { return join(ctx, r); }});
  ctx.host.add_route({"POST", "/api/v1/session", Access::anyone, Body::json, [&ctx](const Request& r) { return sign_in(ctx, r); }});
  ctx.host.add_route({"DELETE", "/api/v1/session", Access::member, Body::none, [&ctx](const Request& r) { return sign_out(ctx, r); }});
  ctx.host.add_route({"GET", "/api/v1/me", Access::member, Body::none, [&ctx](const Request& r) { return me(ctx, r); }});
}

}  // namespace memberd::credentials
