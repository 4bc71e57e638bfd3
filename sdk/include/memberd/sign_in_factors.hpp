#pragma once
// --- SDK 2.13 ---
// Sign-in factors: how a plugin takes part in sign-in itself.
//
// The password is the first step. A member may also turn on a second step
// (an authenticator app, a passkey, recovery codes) that a plugin provides:
//
//   1. The plugin that checks passwords (credentials) asks, once the
//      password was right, SignInFactors::challenge(). When the member has
//      no second step it gets nullopt and opens the session as before.
//      Otherwise it answers the client with the challenge: a short-lived,
//      one-use token, bound to the client that asked (its address and
//      User-Agent), that opens nothing but the second step.
//   2. The provider plugin serves the second step. It learns whose
//      challenge a token is (challenged_member), checks the code (counting a
//      wrong one against the member's SignInGuard lock, like a password),
//      and calls complete(), which uses the challenge up and opens the
//      session, recorded as made by SignInMethod::second_step.
//
// Fail closed: the core, not the provider, remembers which members turned a
// second step on (require_second_step). When their provider is not serving
// on this daemon (unloaded, failed, not enabled), challenge() and
// verify_second_step() fail `unavailable`: such a member is never let in
// on the password alone. A hot swap replaces the provider in one step, so
// there is no moment between two versions when it is missing.
//
// Other plugins gate their own flows on the same facts: a flow that must
// prove more than a password (changing the password, a reset through a
// mailed link) asks second_step_required() and has the member's proof
// checked by verify_second_step(), which the provider answers.

#include <memberd/host.hpp>
#include <memberd/http.hpp>
#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memberd {

// What a live challenge tells the client. FROZEN from 2.13 on.
struct SecondStepChallenge {
  std::string token;       // give it to the client; only its SHA-256 is kept
  std::string expires_at;  // RFC 3339 UTC: minutes from now
  // The ways the member may pass the step, as the provider named them
  // ("totp", "recovery_code", "passkey"), for the client to offer.
  std::vector<std::string> methods;
};

// Implemented by the plugin that provides a second step, and handed to
// Host::provide_second_step() from start(). Called on request threads,
// concurrently; it lives as long as the plugin version that provided it.
class SecondStepProvider {
 public:
  virtual ~SecondStepProvider() = default;
  // The ways `member_id` can pass the step now (the factors they have).
  // DB: reads. Fails: busy, unavailable.
  virtual Result<std::vector<std::string>> methods(UnitOfWork& work, std::string_view member_id) = 0;
  // Checks a proof of the second factor that another plugin's flow
  // collected from the member, as a JSON object the provider defines
  // (two_step: {"method": "totp", "code": "123456"} or
  // {"method": "recovery_code", "code": "..."}). A proof is used up when it
  // is right (a code is not accepted twice), and a wrong one counts against
  // the member's SignInGuard lock. Returns false for a wrong proof, whatever
  // its shape. DB: reads, writes. Fails: locked, busy, unavailable. Inside
  // an open write transaction: std::logic_error (a failure must be counted
  // even when the caller rolls back).
  virtual Result<bool> verify(UnitOfWork& work, std::string_view member_id, const nlohmann::json& proof,
                              const Request& request) = 0;
  // Whether the browser that sent `request` is one the member asked to be
  // remembered after a second step ("remember this device"): then the
  // password alone opens the session on it. DB: reads, writes (its last
  // use). Fails: busy, unavailable.
  virtual Result<bool> remembered(UnitOfWork& work, std::string_view member_id, const Request& request) = 0;
};

class SignInFactors {
 public:
  virtual ~SignInFactors() = default;

  // After `member_id`'s password was right: nullopt when they have no second
  // step, or the provider remembers this browser (open the session), else a
  // new challenge for the client that sent `request`, valid for 5 minutes. DB: reads, writes (joins the open
  // transaction). Fails: unavailable (the member has a second step and its
  // provider is not serving: answer 503, never open the session), busy.
  virtual Result<std::optional<SecondStepChallenge>> challenge(UnitOfWork& work, std::string_view member_id,
                                                                const Request& request) = 0;
  // Whose challenge `token` is. DB: reads. Fails: not_found (unknown,
  // expired, used, or sent by another client than the one it was given to:
  // the member must sign in again), busy.
  virtual Result<std::string> challenged_member(UnitOfWork& work, std::string_view token,
                                                const Request& request) = 0;
  // The second step passed: uses the challenge up (one use, also against a
  // concurrent request with the same token) and opens the member's session,
  // recorded as made by `method`. Open it in the same transaction as the
  // event that records it. DB: writes (joins the open transaction).
  // Fails: not_found (as challenged_member, or used meanwhile, or the
  // member's second step is no longer the calling plugin's), busy.
  virtual Result<OpenedSession> complete(UnitOfWork& work, std::string_view token, const Request& request,
                                         SignInMethod method) = 0;
  // Opens a session for a member who signed in without a password (a
  // passkey), recorded as made by `method`. Only a member whose second step
  // the calling plugin provides now: a factor that outlived its turning off
  // (withdraw_second_step, a removal by an admin) opens nothing.
  // DB: writes (joins the open transaction). Fails: not_found (the member's
  // second step is off, or another plugin's), busy.
  virtual Result<OpenedSession> open_session(UnitOfWork& work, std::string_view member_id, const Request& request,
                                             SignInMethod method) = 0;

  // Whether `member_id` must pass a second step at sign-in. DB: reads.
  // Fails: busy.
  virtual Result<bool> second_step_required(UnitOfWork& work, std::string_view member_id) = 0;
  // Turns the member's second step on (provided by the calling plugin) or
  // off. Only the plugin that turned it on turns it off; another plugin's
  // call to turn it off fails `conflict`. DB: writes (joins the open
  // transaction). Fails: conflict, busy.
  virtual Result<void> require_second_step(UnitOfWork& work, std::string_view member_id, bool required) = 0;
  // Asks the member's provider to check `proof` (SecondStepProvider::verify).
  // Fails: not_found (the member has no second step), unavailable (its
  // provider is not serving), locked, busy. Inside an open write
  // transaction: std::logic_error.
  virtual Result<bool> verify_second_step(UnitOfWork& work, std::string_view member_id, const nlohmann::json& proof,
                                          const Request& request) = 0;

  // --- SDK 2.14 ---
  // The member's account was taken back by the owner of its address (a
  // reset of an account whose address nobody had confirmed): whatever second
  // step it has was set up by whoever joined with that address. Turns it
  // off at once, whichever plugin provided it, and ends the challenges
  // issued for the member, in the caller's transaction: from its commit on
  // no factor of theirs opens a session (open_session and complete refuse),
  // before the provider has even heard of it. The provider forgets the
  // factors themselves when it hears the event that records the reclaim
  // (credentials: email.confirmed with "how": "reset").
  // DB: writes (joins the open transaction). Fails: busy.
  virtual Result<void> withdraw_second_step(UnitOfWork& work, std::string_view member_id) = 0;
  // verify_second_step for a flow whose wrong guesses must neither lock the
  // account nor be stopped by its lock: a reset through a mailed link, the
  // way an owner gets back into an account someone keeps locked by guessing
  // its password. The provider's check is charged to the caller's own
  // attempt budget instead: `budget_key` is a key of the caller's
  // RateLimits (so a flow may share it with its other secrets, as
  // credentials' reset does with its answer), reserved before the check
  // and counted under `policy`; a right proof clears it. Do not hold a
  // reservation of `budget_key` yourself meanwhile (release it first): with
  // one attempt left the check would wait for it. DB: reads, writes.
  // Fails: locked (the budget is out: this wrong proof was its last, or it
  // was out before; retry_after), not_found, unavailable, busy. Inside an
  // open write transaction: std::logic_error.
  virtual Result<bool> verify_second_step_on_budget(UnitOfWork& work, std::string_view member_id,
                                                    const nlohmann::json& proof, const Request& request,
                                                    std::string_view budget_key, const AttemptPolicy& policy) = 0;
};

}  // namespace memberd
