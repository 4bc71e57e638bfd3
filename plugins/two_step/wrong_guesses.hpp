#pragma once
// A wrong password, code or passkey in this plugin, recorded the way the
// credentials plugin records its own: signin.failed saying what was wrong
// and what it was a guess at (security_level's history shows it), and
// account.locked when it locked the account (not when only a device's or a
// flow's own counter locked).
#include "context.hpp"

#include <memberd/host.hpp>
#include <memberd/http.hpp>

#include <string>

namespace memberd::two_step {

// What a wrong guess was a guess at, as signin.failed's `kind` says it: the
// sign-in (its second step, a passkey alone: a way in), a check inside a
// session that is signed in already (turning two-step off, a factor's
// proof, another plugin's step-up), or a flow with a mailed link in hand (a
// reset).
enum class GuessKind { sign_in, in_session, mailed_link };

// Best effort, in a transaction of its own: the guess is counted already,
// and a failure to record it must not change the member's answer.
void record_wrong_guess(Context& ctx, const Request& request, const std::string& member_id, const std::string& what,
                        GuessKind kind, const SignInAttempt& attempt, const AttemptState& state);

}  // namespace memberd::two_step
