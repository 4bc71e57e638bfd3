// The security question: the catalogue, the member's choice, and the step-up
// (password, then answer) that unlocks changing email or password.
#include "answer_normalizer.hpp"
#include "answers.hpp"
#include "confirmation.hpp"
#include "notices.hpp"
#include "replies.hpp"
#include "routes.hpp"
#include "second_step_gate.hpp"

#include <memberd/session_cookies.hpp>

#include <memberd/database.hpp>
#include <memberd/json.hpp>

#include <optional>

namespace memberd::credentials {

namespace {

Response catalogue(Context& ctx) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& q : ctx.settings.questions) list.push_back({{"id", q.id}, {"text", q.text}});
  return json_response(200, list);
}

Response my_question(Context& ctx, const Request& req) {
  if (req.caller().member_id.empty())
    return problem(403, "member_only", "Members only", "A security question belongs to a member.");
  auto stored = stored_answer(req.work(), req.caller().member_id);
  if (!stored) return refusal_problem(stored.failure());
  if (!*stored) return problem(404, "not_found", "No security question set", "Choose one first.");
  const Question* q = ctx.settings.question((*stored)->question_id);
  return json_response(200, {{"question_id", (*stored)->question_id},
                             {"text", q ? q->text : "(a question no longer offered; please choose a new one)"}});
}

bool privileged(Context& ctx, const Request& req) { return req.caller().privileged_until > ctx.host.clock().now(); }

// The step-up's privilege, on a new token (OWASP session management: renew
// on a privilege change): one captured before it is dead after it. Joins
// the open transaction; the response carries the new token as cookies too.
struct Privilege {
  TimePoint until;
  OpenedSession session;
};

Result<Privilege> grant_privilege(Context& ctx, const Request& req) {
  Privilege granted{ctx.host.clock().now() + ctx.settings.step_up, {}};
  if (auto set = ctx.host.accounts().set_privileged_until(req.work(), req.caller().session_id, granted.until); !set)
    return set.failure();
  auto renewed = ctx.host.accounts().rotate_session(req.work(), req.caller().session_id);
  if (!renewed) return renewed.failure();
  granted.session = std::move(*renewed);
  return granted;
}

Response privilege_response(Context& ctx, const Privilege& granted) {
  auto r = json_response(200, {{"privileged_until", ctx.host.clock().format(granted.until)},
                               {"token", granted.session.token},
                               {"csrf_token", granted.session.csrf_token},
                               {"expires_at", granted.session.expires_at}});
  add_session_cookies(r, granted.session, ctx.host.secure_cookies());
  return r;
}

// An answer anyone who knows the email or the password could type adds
// nothing. Without the password in the request (asked at the step-up a
// moment ago), the answer as typed is checked against the member's
// password instead: the copy-pasted password is the case that matters.
// That check is a password check a privileged session could repeat, so a
// replacement is counted per member before it runs (set_question).
std::optional<Response> refuse_guessable_answer(Context& ctx, const Request& req, const std::string& normalized,
                                                const std::string& answer, const std::string& password) {
  const auto refusal = [] {
    return validation_failed({{"answer", "Choose an answer that is not your email address or password."}});
  };
  if (normalized == normalize_answer(req.caller().email).value_or("")) return refusal();
  if (!password.empty()) {
    if (normalized == normalize_answer(password).value_or("")) return refusal();
    return std::nullopt;
  }
  auto same = ctx.host.accounts().verify_password(req.work(), req.caller().member_id, answer);
  if (!same) return refusal_problem(same.failure());
  if (*same == PasswordCheck::right) return refusal();
  return std::nullopt;
}

// Questions a member may set in an hour: a person changes theirs rarely; the
// cap bounds the mails about it and the answer-against-password checks a
// stolen privileged session could make.
constexpr int kQuestionChangesPerHour = 5;

// The first question needs the current password, and then counts as the
// step-up: whoever knows the password could pass the step-up with the
// answer they just chose, so asking again on the way to Change Password
// would only make the member type it a third time (issue 29). Replacing a
// question needs the step-up first, and asks nothing more inside its window.
Response set_question(Context& ctx, const Request& req) {
  const auto& caller = req.caller();
  if (caller.member_id.empty())
    return problem(403, "member_only", "Members only", "A security question belongs to a member.");
  // A squatter's question would guard the owner's reset against the owner.
  if (auto refusal = refuse_unconfirmed(req, "set a security question")) return *refusal;
  auto question_id = string_field(req.json(), "question_id").value_or("");
  auto answer = string_field(req.json(), "answer").value_or("");
  auto password = string_field(req.json(), "current_password").value_or("");
  const bool stepped_up = privileged(ctx, req);

  auto& work = req.work();
  auto existing = stored_answer(work, caller.member_id);
  if (!existing) return refusal_problem(existing.failure());
  const bool first = !existing->has_value();
  // Replacing a question is as sensitive as changing the password. Said
  // before the fields: a form drawn inside a window that has since ended
  // has no password field to mark.
  if (!first && !stepped_up)
    return problem(403, "step_up_required", "Step-up needed",
                   "Confirm your password and current answer first (POST /api/v1/me/step-up).");
  FieldErrors errors;
  if (!ctx.settings.question(question_id)) errors.emplace_back("question_id", "Choose a question from the list.");
  auto normalized = normalize_answer(answer);
  if (!normalized || normalized->empty()) errors.emplace_back("answer", "Type your answer.");
  else if (normalized->size() > 200) errors.emplace_back("answer", "Keep the answer under 200 characters.");
  if (password.empty() && !stepped_up) errors.emplace_back("current_password", "Enter your current password.");
  if (!errors.empty()) return validation_failed(errors);

  MEMBERD_TRY(count_for_member(ctx, req, "question", kQuestionChangesPerHour, std::chrono::hours(1),
                               "You changed your security question several times in the last hour; try again later."));
  // A password sent inside the window is still checked: a wrong one is wrong.
  if (!password.empty())
    if (auto refusal = check_current_password(ctx, req, password)) return *refusal;
  if (auto refusal = refuse_guessable_answer(ctx, req, *normalized, answer, password)) return *refusal;
  // A session that already passed the step-up keeps its window; a bearer
  // without a session (none today) gets no privilege to hold. Nor does a
  // member with two-step verification: their step-up asks for it.
  auto two_step = needs_second_step(ctx, req, caller.member_id);
  if (!two_step) return refusal_problem(two_step.failure());
  const bool grants = first && !stepped_up && !caller.session_id.empty() && !*two_step;
  // The right password ends the flow like a step-up's: earlier failures
  // start over (reserved now, reported in the transaction).
  std::optional<SignInAttempt> attempt;
  if (grants) {
    auto reserved = reserve_attempt(ctx, req, caller.email, caller.member_id);
    if (!reserved) return refusal_problem(reserved.failure());
    attempt = *reserved;
  }

  auto hash = ctx.host.accounts().hash_secret(work, *normalized);
  if (!hash) return refusal_problem(hash.failure());
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  // Two first questions at once both read "none" above: only one may be
  // the first, the other would replace it without a step-up.
  if (first) {
    auto inserted = insert_first_answer(ctx.host.changes(), work, caller.member_id, question_id, *hash, ctx.host.clock().unix_now());
    if (!inserted) return refusal_problem(inserted.failure());
    if (!*inserted) {
      tx->rollback();  // first, so that giving the reservation back is not rolled back with it
      if (attempt) release_attempt(ctx, req, *attempt);
      return problem(403, "step_up_required", "Step-up needed",
                     "A security question was set a moment ago; confirm your password and its answer first "
                     "(POST /api/v1/me/step-up).");
    }
  } else {
    MEMBERD_TRY(store_answer(ctx.host.changes(), work, caller.member_id, question_id, *hash, ctx.host.clock().unix_now()));
  }
  auto event = audit(req, caller.member_id);
  event["question_id"] = question_id;
  event["replaced"] = !first;
  MEMBERD_TRY(ctx.host.events().publish(work, "security_question.set", event));
  MEMBERD_TRY(mail_question_changed(ctx.host, work, caller.email, std::string(req.client_ip())));
  std::optional<Privilege> granted;
  if (grants) {
    MEMBERD_TRY(count_success(ctx, req, *attempt));
    auto privilege = grant_privilege(ctx, req);
    if (!privilege) return refusal_problem(privilege.failure());
    granted = std::move(*privilege);
    MEMBERD_TRY(ctx.host.events().publish(work, "step_up.succeeded", audit(req, caller.member_id)));
  }
  MEMBERD_TRY(tx->commit());
  return granted ? privilege_response(ctx, *granted) : no_content();
}

Response step_up(Context& ctx, const Request& req) {
  const auto& caller = req.caller();
  if (caller.session_id.empty())
    return problem(403, "member_only", "Members only", "A step-up belongs to a member's session.");
  auto password = string_field(req.json(), "current_password").value_or("");
  auto answer = string_field(req.json(), "answer").value_or("");
  FieldErrors errors;
  if (password.empty()) errors.emplace_back("current_password", "Enter your current password.");
  if (answer.empty()) errors.emplace_back("answer", "Type the answer to your security question.");

  auto& work = req.work();
  auto stored = stored_answer(work, caller.member_id);
  if (!stored) return refusal_problem(stored.failure());
  if (!*stored)
    return problem(409, "security_question_required", "Choose a security question first",
                   "Changing your email or password needs a security question: pick one from "
                   "GET /api/v1/security-questions and set it with PUT /api/v1/me/security-question.");
  if (!errors.empty()) return validation_failed(errors);
  // A member with two-step verification proves it here too: the answer is
  // no second factor. Asked for before anything is counted.
  if (auto ask = ask_for_second_step(ctx, req, caller.member_id, req.json())) return *ask;
  if (auto refusal = check_current_password(ctx, req, password)) return *refusal;

  auto attempt = reserve_attempt(ctx, req, caller.email, caller.member_id);
  if (!attempt) return refusal_problem(attempt.failure());
  auto normalized = normalize_answer(answer).value_or("");
  bool right = false;
  if (!normalized.empty()) {
    auto verified = ctx.host.accounts().verify_secret(work, (*stored)->answer_hash, normalized);
    if (!verified) {
      release_attempt(ctx, req, *attempt);
      return refusal_problem(verified.failure());
    }
    right = *verified;
  }
  if (!right) {
    auto outcome = count_failure(ctx, req, *attempt, caller.email, "answer", GuessKind::in_session);
    if (outcome.refusal) return *outcome.refusal;
    return wrong_secret("wrong_answer", "The answer is wrong", outcome.attempts_left);
  }
  // The code comes last: a right one ends the flow (it clears the lock's
  // count), so it must not come before a secret that can still be wrong,
  // and a mistyped answer must not use the member's code up.
  if (auto refusal = check_second_step(ctx, req, caller.member_id, req.json())) {
    release_attempt(ctx, req, *attempt);
    return *refusal;
  }
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  MEMBERD_TRY(count_success(ctx, req, *attempt));
  auto granted = grant_privilege(ctx, req);
  if (!granted) return refusal_problem(granted.failure());
  MEMBERD_TRY(ctx.host.events().publish(work, "step_up.succeeded", audit(req, caller.member_id)));
  MEMBERD_TRY(tx->commit());
  return privilege_response(ctx, *granted);
}

}  // namespace

void add_question_routes(Context& ctx) {
  ctx.host.add_route({"GET", "/api/v1/security-questions", Access::anyone, Body::none,
                      [&ctx](const Request&) { return catalogue(ctx); }});
  ctx.host.add_route({"GET", "/api/v1/me/security-question", Access::member, Body::none,
                      [&ctx](const Request& r) { return my_question(ctx, r); }});
  ctx.host.add_route({"PUT", "/api/v1/me/security-question", Access::member, Body::json,
                      [&ctx](const Request& r) { return set_question(ctx, r); }});
  ctx.host.add_route({"POST", "/api/v1/me/step-up", Access::member, Body::json,
                      [&ctx](const Request& r) { return step_up(ctx, r); }});
}

}  // namespace memberd::credentials
