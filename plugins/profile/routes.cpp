// The profile's routes (openapi.yaml beside it). A member's PUT never publishes:
// it validates every field at once and files the revision in the host's
// review queue; only an approval (decisions.cpp) writes what others read.
#include "context.hpp"
#include "published_profiles.hpp"

#include <memberd/json.hpp>
#include <memberd/problem.hpp>

#include <nlohmann/json.hpp>

namespace memberd::profile {

namespace {

std::string when(const Host& host, long long unix_time) {
  return host.clock().format(TimePoint(std::chrono::seconds(unix_time)));
}

nlohmann::json fields_or_null(const std::string& text) {
  auto value = nlohmann::json::parse(text, nullptr, false);
  return value.is_object() ? value : nlohmann::json(nullptr);
}

// The form, and how long a review may take (the page says "within 24 hours").
Response schema(Context& ctx) {
  auto out = schema_json(ctx.settings.fields);
  out["review_window_seconds"] = ctx.settings.review_window.count();
  return json_response(200, out);
}

Response my_profile(Context& ctx, const Request& req) {
  const auto& member = req.caller().member_id;
  if (member.empty()) return problem(403, "member_only", "Members only", "Sign in as the member whose profile this is.");
  auto& work = req.work();
  auto published = published_profile(work, member);
  if (!published) return refusal_problem(published.failure());
  auto pending = ctx.host.reviews().pending(work, kReviewKind, member);
  if (!pending) return refusal_problem(pending.failure());
  auto decided = ctx.host.reviews().last_decision(work, kReviewKind, member);
  if (!decided) return refusal_problem(decided.failure());
  nlohmann::json out = {{"published", nullptr}, {"published_at", nullptr}, {"pending", nullptr}, {"last_decision", nullptr}};
  if (*published) {
    out["published"] = (*published)->fields;
    out["published_at"] = when(ctx.host, (*published)->published_at);
  }
  if (*pending)
    out["pending"] = {{"revision_id", (*pending)->revision_id},
                      {"fields", fields_or_null((*pending)->fields)},
                      {"submitted_at", (*pending)->submitted_at},
                      {"due_at", (*pending)->due_at}};
  if (*decided)
    out["last_decision"] = {{"revision_id", (*decided)->revision_id},
                            {"status", (*decided)->status},
                            {"reason", (*decided)->reason},
                            {"decided_at", (*decided)->decided_at}};
  return json_response(200, out);
}

Response submit_profile(Context& ctx, const Request& req) {
  const auto& member = req.caller().member_id;
  if (member.empty()) return problem(403, "member_only", "Members only", "Sign in as the member whose profile this is.");
  const auto& body = req.json();
  if (!body.is_object() || !body.contains("fields"))
    return problem(422, "validation", "Some fields need attention", {},
                   {{"fields", "Send the profile's fields as an object."}});
  auto validated = validate_fields(ctx.settings.fields, body["fields"]);
  if (!validated.errors.empty())
    return problem(422, "validation", "Some fields need attention",
                   "Correct the fields marked and submit again; nothing was saved.", validated.errors);
  auto& work = req.work();
  auto tx = WriteTransaction::open(work);
  if (!tx) return refusal_problem(tx.failure());
  auto published = published_profile(work, member);
  if (!published) return refusal_problem(published.failure());
  auto receipt = ctx.host.reviews().submit(work, kReviewKind, member, validated.fields,
                                           *published ? (*published)->fields : nlohmann::json(nullptr),
                                           ctx.settings.review_window);
  if (!receipt) return refusal_problem(receipt.failure());
  MEMBERD_TRY(tx->commit());
  ctx.host.metrics().increment("submissions_total", "Profile revisions submitted for review");
  return json_response(202, {{"revision_id", receipt->revision_id},
                             {"status", "pending"},
                             {"submitted_at", receipt->submitted_at},
                             {"due_at", receipt->due_at},
                             {"superseded", receipt->superseded.empty() ? nlohmann::json(nullptr)
                                                                        : nlohmann::json(receipt->superseded)}});
}

// Anyone may read a published profile (a marketplace shows it to buyers);
// a pending revision is never here.
Response public_profile(Context& ctx, const Request& req) {
  std::string member = req.path_param("member_id");
  auto published = member.size() <= 36 ? published_profile(req.work(), member)
                                        : Result<std::optional<PublishedProfile>>(std::optional<PublishedProfile>{});
  if (!published) return refusal_problem(published.failure());
  if (!*published) return problem(404, "not_found", "No profile", "This member has no published profile.");
  return json_response(200, {{"member_id", member},
                             {"fields", (*published)->fields},
                             {"published_at", when(ctx.host, (*published)->published_at)}});
}

Response reject_reasons(Context& ctx) { return json_response(200, {{"reasons", ctx.settings.reject_reasons}}); }

}  // namespace

void add_routes(Context& ctx) {
  ctx.host.add_route({"GET", "/api/v1/profile/schema", Access::anyone, Body::none,
                      [&ctx](const Request&) { return schema(ctx); }});
  ctx.host.add_route({"GET", "/api/v1/me/profile", Access::member, Body::none,
                      [&ctx](const Request& r) { return my_profile(ctx, r); }});
  ctx.host.add_route({"PUT", "/api/v1/me/profile", Access::member, Body::json,
                      [&ctx](const Request& r) { return submit_profile(ctx, r); }});
  ctx.host.add_route({"GET", "/api/v1/members/{member_id}/profile", Access::anyone, Body::none,
                      [&ctx](const Request& r) { return public_profile(ctx, r); }});
  ctx.host.add_route({"GET", "/api/v1/admin/profile/reject-reasons", Access::admin, Body::none,
                      [&ctx](const Request&) { return reject_reasons(ctx); }});
}

}  // namespace memberd::profile
