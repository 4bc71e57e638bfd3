// The security question: the catalogue, the member's choice, and the step-up
// (password, then answer) that unlocks changing email or password.
#include "answer_normalizer.hpp"
#include "answers.hpp"
#include "notices.hpp"
#include "replies.hpp"
#include "routes.hpp"

#include <memberd/database.hpp>
#include <memberd/json.hpp>

namespace memberd::credentials {

namespace {

Response catalogue(Context& ctx) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& q : ctx.settings.questions) list.push_back({{"id", q.id}, {"text", q.text}});
  return json_response(200, list);
}

Response my_question(Context& ctx, const Request& req) {
  auto stored = stored_answer(ctx.host.database(), req.caller().member_id);
  if (!stored) return problem(404, "not_found", "No security question set", "Choose one first.");
  const Question* q = ctx.settings.question(stored->question_id);
  return json_response(200, {{"question_id", stored->question_id},
                             {"text", q ? q->text : "(a question no longer offered; please choose a new one)"}});
}

bool privileged(Context& ctx, const Request& req) {
  return req.caller().privileged_until > ctx.host.clock().now();
}

Response set_question(Context& ctx, const Request& req) {
  const auto& caller = req.caller();
  if (caller.member_id.empty())
    return problem(403, "member_only", "Members only", "A security question belongs to a member.");
  auto question_id = string_field(req.json(), "question_id").value_or("");
  auto answer = string_field(req.json(), "answer").value_or("");
  auto password = string_field(req.json(), "current_password").value_or("");
  FieldErrors errors;
  if (!ctx.settings.question(question_id)) errors.emplace_back("question_id", "Choose a question from the list.");
  auto normalized = normalize_answer(answer);
  if (!normalized || normalized->empty()) errors.emplace_back("answer", "Type your answer.");
  else if (normalized->size() > 200) errors.emplace_back("answer", "Keep the answer under 200 characters.");
  if (password.empty()) errors.emplace_back("current_password", "Enter your current password.");
  if (!errors.empty()) return validation_failed(errors);

  auto existing = stored_answer(ctx.host.database(), caller.member_id);
  // Replacing a question is as sensitive as changing the password.
  if (existing && !privileged(ctx, req))
    return problem(403, "step_up_required", "Step-up needed",
                   "Confirm your password and current answer first (POST /api/v1/me/step-up).");
  if (auto refusal = check_current_password(ctx, req, password)) return *refusal;
  // An answer anyone who knows the email or the password could type adds nothing.
  if (*normalized == normalize_answer(caller.email).value_or("") || *normalized == normalize_answer(password).value_or(""))
    return validation_failed({{"answer", "Choose an answer that is not your email address or password."}});

  auto hash = ctx.host.accounts().hash_secret(*normalized);
  auto lease = ctx.host.database().lease();
  Transaction tx(*lease);
  store_answer(tx.sql(), caller.member_id, question_id, hash, ctx.host.clock().unix_now());
  auto event = audit(req, caller.member_id);
  event["question_id"] = question_id;
  event["replaced"] = existing.has_value();
  ctx.host.events().publish(tx.sql(), "security_question.set", event);
  mail_question_changed(ctx.host, tx.sql(), caller.email, std::string(req.client_ip()));
  tx.commit();
  return no_content();
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

  auto stored = stored_answer(ctx.host.database(), caller.member_id);
  if (!stored)
    return problem(409, "security_question_required", "Choose a security question first",
                   "Changing your email or password needs a security question: pick one from "
                   "GET /api/v1/security-questions and set it with PUT /api/v1/me/security-question.");
  if (!errors.empty()) return validation_failed(errors);
  if (auto refusal = check_current_password(ctx, req, password)) return *refusal;
  auto normalized = normalize_answer(answer).value_or("");
  if (normalized.empty() || !ctx.host.accounts().verify_secret(stored->answer_hash, normalized)) {
    auto state = count_failure(ctx, req, caller.email, caller.member_id, "answer");
    if (state.locked) return locked(state.retry_after);
    return wrong_secret("wrong_answer", "The answer is wrong", state.attempts_left);
  }
  count_success(ctx, caller.email, caller.member_id);
  auto until = ctx.host.clock().now() + ctx.settings.step_up;
  ctx.host.accounts().set_privileged_until(caller.session_id, until);
  {
    auto lease = ctx.host.database().lease();
    Transaction tx(*lease);
    ctx.host.events().publish(tx.sql(), "step_up.succeeded", audit(req, caller.member_id));
    tx.commit();
  }
  return json_response(200, {{"privileged_until", ctx.host.clock().format(until)}});
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
