#pragma once
// The plugin's routes, one file per group of flows (openapi.yaml beside them, "Members,
// sessions, credentials"), and the guard every secret check goes through.
#include "context.hpp"

#include <optional>

namespace memberd::credentials {

void add_account_routes(Context& ctx);   // join, sign in and out, me
void add_question_routes(Context& ctx);  // the catalogue, the member's question, step-up
void add_change_routes(Context& ctx);    // change email (and verify it), change password
void add_email_change_routes(Context& ctx);  // the email change waiting for its link: see, resend, cancel
void add_reset_routes(Context& ctx);     // forgotten password
void add_confirmation_routes(Context& ctx);
void add_admin_routes(Context& ctx);     // an admin's view and actions: reset link, clear the question  // confirming the address joined with, asking for a new link

// The per-network cap on failures (IPv4 address, IPv6 /64): refused with
// 429 rate_limited once the network failed too often in the last minute.
Result<void> network_allows(Context& ctx, const Request& request);
// Counts one `what` ("join", "reset") for the client's network in `window`;
// past `limit`, a rate_limited refusal that says `detail`. Fails: busy.
Result<void> count_for_network(Context& ctx, const Request& request, const char* what, int limit,
                               std::chrono::seconds window, const char* detail);

// Counts one `what` ("email_change", "question") for the signed-in member in
// `window`; past `limit`, a rate_limited refusal that says `detail`.
// Counted before the work it guards, so parallel requests cannot outrun it.
// Fails: busy.
Result<void> count_for_member(Context& ctx, const Request& request, const char* what, int limit,
                              std::chrono::seconds window, const char* detail);

// Before a password or answer of the account `email` (owned by
// `member_id`, "" if nobody) is checked: counts it as a failure of the
// client's network (given back when it turns out right or is not checked)
// and refuses past the cap (429 rate_limited), or when the account is locked for this
// client (429 locked: the host's SignInGuard, shared with the console and
// counted apart for a device the member signed in from before); else
// reserves the check, so concurrent guesses cannot outrun the lock. Report
// the outcome with count_failure, count_success or release_attempt.
Result<SignInAttempt> reserve_attempt(Context& ctx, const Request& request, const std::string& email,
                                      const std::string& member_id);
// The check passed without ending the flow, or could not run (503 busy):
// the reservation is given back, nothing counted.
void release_attempt(Context& ctx, const Request& request, const SignInAttempt& attempt);

struct FailureOutcome {
  std::optional<Response> refusal;  // the answer when the account is now locked, or the recording failed
  int attempts_left = 0;            // otherwise: for the caller's own "wrong" reply
};
// What a wrong secret was a guess at, as signin.failed's `kind` says it:
// a way in (the sign-in form), or a check inside a session that is signed
// in already (the step-up, a form that asks for the current password),
// which is no attempt to sign in and must not read as one.
enum class GuessKind { sign_in, in_session };
const char* kind_name(GuessKind kind);

// A wrong secret: counted for the attempt and the client network, recorded
// (signin.failed, with `what` and `kind`) and, when it locks the account,
// the lock is announced (account.locked, and a mail to the member).
FailureOutcome count_failure(Context& ctx, const Request& request, const SignInAttempt& attempt,
                             const std::string& email, const char* what, GuessKind kind);
// A right secret that ends the flow: the attempt's failures start over and
// the network gets its reserved failure back (joins the open transaction).
// Fails: busy.
Result<void> count_success(Context& ctx, const Request& request, const SignInAttempt& attempt);

// The signed-in member's current password, checked the way every flow that
// asks for it must: refused while locked, counted when wrong (403 with
// attempts_left, or 429 once that locks the account), 503 when the hashing
// pool is full. nullopt when the password is right.
std::optional<Response> check_current_password(Context& ctx, const Request& request, const std::string& password);

}  // namespace memberd::credentials
