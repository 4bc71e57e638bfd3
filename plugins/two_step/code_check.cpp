#include "code_check.hpp"

#include "factors.hpp"
#include "passkeys.hpp"
#include "mails.hpp"
#include "recovery_codes.hpp"
#include "totp.hpp"

#include <memberd/database.hpp>
#include <memberd/json.hpp>
#include <memberd/session_cookies.hpp>

#include <nlohmann/json.hpp>

namespace memberd::two_step {

ParsedCode parse_code(const nlohmann::json& body) {
  auto method = string_field(body, "method").value_or("totp");
  if (method == "passkey") {
    auto credential = body.find("credential");
    auto read = read_credential(credential == body.end() ? nlohmann::json() : *credential, CeremonyKind::get);
    if (auto* bad = std::get_if<std::pair<std::string, std::string>>(&read)) return *bad;
    return Code{CodeKind::passkey, {}, std::get<CredentialJson>(read)};
  }
  auto typed = string_field(body, "code").value_or("");
  if (method == "recovery_code") {
    auto code = normalize_recovery_code(typed);
    if (!code) return std::pair<std::string, std::string>{"code", "Enter one of your recovery codes, like abcde-fghij."};
    return Code{CodeKind::recovery, *code, {}};
  }
  if (method != "totp")
    return std::pair<std::string, std::string>{"method", "Choose the code from your app, a passkey or a recovery code."};
  std::string digits;
  for (char c : typed) {
    if (c == ' ' || c == '-') continue;
    if (c < '0' || c > '9' || digits.size() == kTotpDigits) {
      digits.clear();
      break;
    }
    digits += c;
  }
  if (digits.size() != kTotpDigits)
    return std::pair<std::string, std::string>{"code", "Enter the 6-digit code from your authenticator app."};
  return Code{CodeKind::app, digits, {}};
}

namespace {

const char* kind_label(CodeKind kind) {
  return kind == CodeKind::app ? "app" : kind == CodeKind::recovery ? "recovery" : "passkey";
}

Result<bool> use_passkey(Context& ctx, const Request& request, const std::string& member_id, const CredentialJson& answer) {
  auto& work = request.work();
  std::string challenge = echoed_challenge(answer.client_data_json);
  auto issued = use_ceremony_challenge(ctx, request, CeremonyPurpose::second_step, challenge);
  if (!issued) return issued.failure();
  // Issued for this member, or for nobody (a signed-out proof: the reset's
  // options name no member); the signature by one of their passkeys below
  // is what proves it is them.
  if (!*issued || (!(*issued)->empty() && **issued != member_id)) return false;
  auto row = find_passkey(work, answer.id);
  if (!row) return row.failure();
  if (!*row || (*row)->member_id != member_id) return false;
  auto checked = verify_assertion(ctx.rp, answer.client_data_json, answer.authenticator_data, answer.signature,
                                  challenge, (*row)->key, false);
  if (auto* refused = std::get_if<WebauthnRefusal>(&checked)) {
    ctx.host.logger().warn("passkey refused", {{"member_id", member_id}, {"reason", *refused}});
    return false;
  }
  return record_passkey_use(work, answer.id, (*row)->key.sign_count, std::get<CheckedAssertion>(checked).sign_count,
                            ctx.host.clock().unix_now());
}

}  // namespace

Result<bool> use_code(Context& ctx, const Request& request, const std::string& member_id, const Code& code) {
  auto& work = request.work();
  std::int64_t now = ctx.host.clock().unix_now();
  if (code.kind == CodeKind::passkey) return use_passkey(ctx, request, member_id, code.assertion);
  if (code.kind == CodeKind::recovery) return use_recovery_code(ctx, work, member_id, code.value, now);
  auto app = read_app_secret(ctx, work, member_id);
  if (!app) return app.failure();
  if (!*app || !(*app)->confirmed) return false;
  auto step = totp_match((*app)->secret, code.value, now, (*app)->last_counter);
  if (!step) return false;
  return use_app_step(work, member_id, *step, false, now);
}

Result<CheckOutcome> check_code(Context& ctx, const Request& request, const std::string& member_id,
                                const std::string& email, const Code& code, GuessKind kind,
                                const std::function<Result<void>()>& on_right) {
  auto& work = request.work();
  auto& guard = ctx.host.sign_in_guard();
  auto attempt = guard.reserve(work, email, member_id, device_token(request));
  if (!attempt) return attempt.failure();
  bool right = false;
  {
    auto tx = WriteTransaction::open(work);
    if (!tx) {
      (void)guard.release(work, *attempt);
      return tx.failure();
    }
    auto used = use_code(ctx, request, member_id, code);
    if (!used) {
      tx->rollback();
      (void)guard.release(work, *attempt);
      return used.failure();
    }
    right = *used;
    if (right) {
      // Whatever fails from here rolls the code back, and the reservation
      // is given back after the rollback (not left to lapse).
      auto finish = [&]() -> Result<void> {
        if (auto cleared = guard.succeeded(work, *attempt); !cleared) return cleared.failure();
        if (code.kind == CodeKind::recovery) {
          if (auto mailed = mail_recovery_code_used(ctx, work, email, request); !mailed) return mailed.failure();
          if (auto told = ctx.host.events().publish(work, "two_step.recovery_code_used",
                                                    {{"member_id", member_id}, {"ip", request.client_ip()}});
              !told)
            return told.failure();
        }
        if (on_right)
          if (auto more = on_right(); !more) return more.failure();
        return tx->commit();
      };
      if (auto finished = finish(); !finished) {
        tx->rollback();
        (void)guard.release(work, *attempt);
        return finished.failure();
      }
      ctx.host.metrics().increment("codes_total", "Second-step codes checked",
                                   {{"kind", kind_label(code.kind)}, {"outcome", "right"}});
      return CheckOutcome{true, 0};
    }
    tx->rollback();
  }
  auto state = guard.failed(work, *attempt);
  if (!state) return state.failure();
  ctx.host.metrics().increment("codes_total", "Second-step codes checked",
                               {{"kind", kind_label(code.kind)}, {"outcome", "wrong"}});
  // Recorded like a wrong password (security_level's sign-in history shows
  // code guessing), and a lock of the account like credentials' locks.
  record_wrong_guess(ctx, request, member_id, std::string("second_step_") + kind_label(code.kind), kind, *attempt, *state);
  if (state->locked)
    return Failure{Refusal::locked, state->retry_after, "Too many wrong codes; this account is locked for a while.", 0};
  return CheckOutcome{false, state->attempts_left};
}

}  // namespace memberd::two_step
