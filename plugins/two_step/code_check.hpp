#pragma once
// A second-factor code, as every flow takes it: the sign-in's second step,
// another plugin's gate (SecondStepProvider::verify), turning two-step off.
#include "context.hpp"
#include "credential_json.hpp"
#include "wrong_guesses.hpp"

#include <memberd/http.hpp>
#include <memberd/result.hpp>

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <optional>
#include <string>
#include <variant>

namespace memberd::two_step {

enum class CodeKind { app, recovery, passkey };

struct Code {
  CodeKind kind = CodeKind::app;
  std::string value;         // normalised: 6 digits, or a recovery code's 10 characters
  CredentialJson assertion;  // a passkey's answer to a second_step ceremony
};

// {"method": "totp" | "recovery_code", "code": "..."} read and normalised
// (spaces and hyphens dropped, case ignored), or {"method": "passkey",
// "credential": {...}}; else the field and the words to show the member
// beside it.
using ParsedCode = std::variant<Code, std::pair<std::string, std::string>>;
ParsedCode parse_code(const nlohmann::json& body);

// Checks `code` against the member's factors and uses it up when it is
// right (an app's time step, a recovery code: never accepted twice).
// Joins the open transaction, so a rollback gives the code back.
// Fails: busy, unavailable.
// A passkey's answer is right when it signed a second_step challenge issued
// to this member and this client, with one of their passkeys, its counter
// growing. Fails: busy, unavailable.
Result<bool> use_code(Context& ctx, const Request& request, const std::string& member_id, const Code& code);

// The whole check for a member signing in or proving it is them: reserves a
// check on their SignInGuard lock (shared with passwords), checks and uses
// the code in a transaction of its own, and counts a wrong one (an
// account.locked event and its refusal when that locks the account).
// `email` is the member's; `on_right` runs inside the transaction after the
// code was used, to commit more with it (a session); its failure rolls the
// code back. Fails: locked, busy, unavailable, and what on_right returns.
struct CheckOutcome {
  bool right = false;
  int attempts_left = 0;  // when wrong
};
Result<CheckOutcome> check_code(Context& ctx, const Request& request, const std::string& member_id,
                                const std::string& email, const Code& code, GuessKind kind,
                                const std::function<Result<void>()>& on_right = {});

}  // namespace memberd::two_step
