// The forgotten password: a single-use link by mail, then the security
// answer (when the member set one) and the new password, twice.
#include "answer_normalizer.hpp"
#include "answers.hpp"
#include "confirmation.hpp"
#include "notices.hpp"
#include "replies.hpp"
#include "routes.hpp"
#include "second_step_gate.hpp"

#include <memberd/database.hpp>
#include <memberd/email_address.hpp>
#include <memberd/json.hpp>
#include <memberd/session_cookies.hpp>
#include <memberd/sign_in_factors.hpp>

namespace memberd::credentials {

namespace {

// Wrong answers allowed in reset links per member before the links die, and
// how long before new ones may be answered (escalating).
const AttemptPolicy kResetAnswers{5, {std::chrono::minutes(15), std::chrono::hours(1), std::chrono::hours(24)}};

// The same answer whether or not the address belongs to anyone.
Response accepted() {
  return json_response(202, {{"status", "accepted"},
                             {"detail", "If this address belongs to an account, a reset link is on its way."}});
}

// After the answer: the link, when `email` is a member's. Fails: busy.
Result<void> mail_reset_if_member(Context& ctx, UnitOfWork& work, const std::string& email, const nlohmann::json& who) {
  auto member = ctx.host.accounts().find_by_email(work, email);
  if (!member && member.failure().refusal == Refusal::not_found) return {};
  if (!member) return member.failure();
  // Per account, silently: no more mail (and no more live links) than a
  // member needs.
  if (auto counted = ctx.host.rate_limits().hit(work, "reset_account:" + member->member_id,
                                                 ctx.settings.resets_per_account_per_hour, std::chrono::hours(1));
      !counted) {
    if (counted.failure().refusal == Refusal::rate_limited) return {};
    return counted.failure();
  }
  auto tx = WriteTransaction::open(work);
  if (!tx) return tx.failure();
  auto token = ctx.tokens.issue(work, TokenKind::reset, member->member_id, ctx.settings.reset_token_lifetime);
  if (!token) return token.failure();
  if (auto mailed = mail_reset_link(ctx.host, work, member->email,
                                    ctx.settings.link_base + "/#/credentials/reset-password?token=" + *token,
                                    ctx.settings.reset_token_lifetime);
      !mailed)
    return mailed;
  nlohmann::json event = who;
  event["member_id"] = member->member_id;
  if (auto published = ctx.host.events().publish(work, "password.reset_requested", event); !published)
    return published;
  return tx->commit();
}

Response request_reset(Context& ctx, const Request& req) {
  auto email = normalize_email(string_field(req.json(), "email").value_or(""));
  if (!looks_like_email(email)) return validation_failed({{"email", "Enter a valid email address."}});
  // A flood of requests from one network is throttled; the account never locks.
  MEMBERD_TRY(network_allows(ctx, req));
  // Per network, counted whatever the address: a refusal says nothing about
  // any account.
  MEMBERD_TRY(count_for_network(ctx, req, "reset_network", ctx.settings.resets_per_network_per_hour,
                                std::chrono::hours(1), "Too many reset requests from your network; try again later."));
  // Whether the address is anyone's is looked up after the answer: a known
  // address's link (a write and a commit) would otherwise make its answer
  // measurably slower than an unknown one's.
  nlohmann::json who = audit(req, "");
  if (!ctx.after_response.post("password reset mail", [&ctx, email, who](UnitOfWork& work) {
        return mail_reset_if_member(ctx, work, email, who);
      }))
    return refusal_problem(busy(std::chrono::seconds{5}, "Too many reset requests at once; try again shortly."));
  return accepted();
}

// The token's record when it can still be used, else the problem to answer.
std::variant<TokenRecord, Response> usable_token(Context& ctx, const Request& req) {
  return usable_token(ctx.tokens, req.work(), TokenKind::reset, req.path_param("token"), "This reset link is not valid.",
                      "Ask for a new reset link.");
}

Response show_reset(Context& ctx, const Request& req) {
  auto token = usable_token(ctx, req);
  if (auto* refusal = std::get_if<Response>(&token)) return *refusal;
  const std::string& member_id = std::get<TokenRecord>(token).member_id;
  auto stored = stored_answer(req.work(), member_id);
  if (!stored) return refusal_problem(stored.failure());
  auto confirmed = email_confirmed(req.work(), member_id);
  if (!confirmed) return refusal_problem(confirmed.failure());
  // A reclaimed account (never confirmed) needs the link alone; anyone
  // else with two-step verification gives a second step too.
  bool second_step = false;
  if (*confirmed) {
    auto required = needs_second_step(ctx, req, member_id);
    if (!required) return refusal_problem(required.failure());
    second_step = *required;
  }
  if (!*stored || !*confirmed)
    return json_response(200, {{"question_required", false}, {"second_step_required", second_step}});
  const Question* q = ctx.settings.question((*stored)->question_id);
  return json_response(200, {{"question_required", true},
                             {"question_text", q ? q->text : "(the question you chose, no longer offered)"},
                             {"second_step_required", second_step}});
}

Response complete_reset(Context& ctx, const Request& req) {
  auto token = usable_token(ctx, req);
  if (auto* refusal = std::get_if<Response>(&token)) return *refusal;
  const TokenRecord& record = std::get<TokenRecord>(token);
  auto& work = req.work();
  auto member = ctx.host.accounts().find_by_id(work, record.member_id);
  if (!member && member.failure().refusal == Refusal::not_found)
    return problem(410, "gone", "Link used or expired", "The account no longer exists.");
  if (!member) return refusal_problem(member.failure());

  auto password = string_field(req.json(), "new_password").value_or("");
  auto confirm = string_field(req.json(), "new_password_confirm").value_or("");
  FieldErrors errors;
  if (auto text = ctx.host.password_rules().problem(password, member->email)) errors.emplace_back("new_password", *text);
  else if (confirm != password) errors.emplace_back("new_password_confirm", "The two passwords differ.");
  if (!errors.empty()) return validation_failed(errors);

  auto stored = stored_answer(work, member->member_id);
  if (!stored) return refusal_problem(stored.failure());
  // A never-confirmed account: this link is the first proof anyone gave of
  // the address, so it alone is enough. Whoever joined with the address
  // (a squatter) chose any question it has; it is not asked, and it goes.
  auto confirmed = email_confirmed(work, member->member_id);
  if (!confirmed) return refusal_problem(confirmed.failure());
  bool reclaimed = !*confirmed;
  const bool had_question = stored->has_value();  // whoever set it, it goes with a reclaim
  if (reclaimed) *stored = std::nullopt;
  // The answer in a reset link, and the second step's code, have a budget
  // of their own, per member: the account's lock must not stop its owner
  // from resetting (that is how they get back in after an attacker locked
  // it), and nobody without the link can touch this budget. Without a
  // question the link alone is the proof.
  std::string answer_key = "reset_answer:" + member->member_id;
  // With two-step verification on, the link and the answer are not enough:
  // whoever reads the member's mail would otherwise walk around it. Asked
  // for before the answer's budget is touched. (A reclaimed account's
  // factors were the squatter's: the link alone takes it back, and they
  // are withdrawn with it below.)
  if (!reclaimed)
    if (auto ask = ask_for_second_step(ctx, req, member->member_id, req.json())) return *ask;
  bool answer_reserved = false;
  if (stored->has_value()) {
    if (auto network = network_allows(ctx, req); !network) return refusal_problem(network.failure());
    MEMBERD_TRY(ctx.host.rate_limits().reserve_attempt(work, answer_key, kResetAnswers));
    answer_reserved = true;
    auto answer = normalize_answer(string_field(req.json(), "answer").value_or("")).value_or("");
    bool right = false;
    if (!answer.empty()) {
      auto verified = ctx.host.accounts().verify_secret(work, (*stored)->answer_hash, answer);
      if (!verified) {
        (void)ctx.host.rate_limits().release_attempt(work, answer_key);
        return refusal_problem(verified.failure());
      }
      right = *verified;
    }
    if (!right) {
      auto state = ctx.host.rate_limits().attempt_failed(work, answer_key, kResetAnswers);
      if (!state) return refusal_problem(state.failure());
      auto tx = WriteTransaction::open(work);
      if (!tx) return refusal_problem(tx.failure());
      auto event = audit(req, member->member_id);
      event["what"] = "reset_answer";
      event["kind"] = "mailed_link";  // a guess with the link in hand, not at the sign-in
      MEMBERD_TRY(ctx.host.events().publish(work, "signin.failed", event));
      // Out of guesses: every link dies, a new one must be asked for.
      if (state->locked) MEMBERD_TRY(ctx.tokens.revoke_all(work, member->member_id, TokenKind::reset));
      MEMBERD_TRY(tx->commit());
      if (state->locked)
        return refusal_problem(Failure{Refusal::locked, state->retry_after,
                                       "Too many wrong answers; ask for a new reset link later."});
      return wrong_secret("wrong_answer", "The answer is wrong", state->attempts_left);
    }
  }
  if (!reclaimed) {
    auto required = needs_second_step(ctx, req, member->member_id);
    if (!required) {
      if (answer_reserved) (void)ctx.host.rate_limits().release_attempt(work, answer_key);
      return refusal_problem(required.failure());
    }
    if (*required) {
      // The answer passed without ending the flow; the code's check
      // reserves on the same budget (and a right code clears it).
      if (answer_reserved) MEMBERD_TRY(ctx.host.rate_limits().release_attempt(work, answer_key));
      answer_reserved = false;
      if (auto refusal =
              check_second_step_on_budget(ctx, req, member->member_id, req.json(), answer_key, kResetAnswers)) {
        // Out of guesses, by answer or code: every link dies, a new one must be asked for.
        auto state = ctx.host.rate_limits().attempt_state(work, answer_key, kResetAnswers);
        if (!state) return refusal_problem(state.failure());
        if (state->locked) {
          auto tx = WriteTransaction::open(work);
          if (!tx) return refusal_problem(tx.failure());
          MEMBERD_TRY(ctx.tokens.revoke_all(work, member->member_id, TokenKind::reset));
          MEMBERD_TRY(tx->commit());
        }
        return *refusal;
      }
    }
  }
  auto hash = ctx.host.accounts().hash_password(work, password);
  if (!hash) return refusal_problem(hash.failure());
  // The password, the used link, the event, the mail, the cleared failures
  // and every revoked session commit together.
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  auto consumed = ctx.tokens.consume(work, record);
  if (!consumed) return refusal_problem(consumed.failure());
  if (!*consumed) return problem(410, "gone", "Link used or expired", "This link was used already.");
  MEMBERD_TRY(ctx.host.accounts().set_password(work, member->member_id, *hash));
  // The other links mailed meanwhile (resets, a pending email change) die with this one.
  MEMBERD_TRY(ctx.tokens.revoke_all(work, member->member_id));
  MEMBERD_TRY(ctx.host.events().publish(work, "password.reset", audit(req, member->member_id)));
  MEMBERD_TRY(mail_password_changed(ctx.host, work, member->email, std::string(req.client_ip())));
  // The member proved they own the address: the account's lock ends.
  MEMBERD_TRY(ctx.host.sign_in_guard().unlock(work, member->email, member->member_id));
  if (answer_reserved) MEMBERD_TRY(ctx.host.rate_limits().attempt_succeeded(work, answer_key));
  if (reclaimed) {
    if (had_question) {
      MEMBERD_TRY(remove_answer(ctx.host.changes(), work, member->member_id));
      MEMBERD_TRY(ctx.host.events().publish(work, "security_question.cleared", audit(req, member->member_id)));
    }
    // The squatter's second step stops opening sessions as this commits;
    // its provider forgets the factors when it hears email.confirmed.
    MEMBERD_TRY(ctx.host.sign_in_factors().withdraw_second_step(work, member->member_id));
    MEMBERD_TRY(mark_confirmed(ctx, work, req, member->member_id, member->email, "reset"));
  }
  // Every session ends: for a reclaimed account, the squatter's.
  auto revoked = ctx.host.accounts().revoke_sessions(work, member->member_id, "");
  if (!revoked) return refusal_problem(revoked.failure());
  // Devices trusted with the old password lose their own guess budget; the
  // one resetting keeps it.
  MEMBERD_TRY(ctx.host.sign_in_guard().forget_devices(work, member->member_id, device_token(req)));
  MEMBERD_TRY(tx->commit());
  return no_content();
}

}  // namespace

void add_reset_routes(Context& ctx) {
  ctx.host.add_route({"POST", "/api/v1/password-resets", Access::anyone, Body::json,
                      [&ctx](const Request& r) { return request_reset(ctx, r); }});
  ctx.host.add_route({"GET", "/api/v1/password-resets/{token}", Access::anyone, Body::none,
                      [&ctx](const Request& r) { return show_reset(ctx, r); }});
  ctx.host.add_route({"POST", "/api/v1/password-resets/{token}", Access::anyone, Body::json,
                      [&ctx](const Request& r) { return complete_reset(ctx, r); }});
}

}  // namespace memberd::credentials
