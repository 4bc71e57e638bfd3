// From the host's review decisions to publication, in the event delivery's
// transaction (like the profile's): approval makes the pending photo the
// published one and drops the one it replaces; rejection drops it. The
// member is mailed either way. A decision on a photo that is gone (the
// member removed or replaced it) changes nothing.
#include "context.hpp"
#include "photo_store.hpp"

#include <memberd/json.hpp>

#include <nlohmann/json.hpp>

namespace memberd::photo {

namespace {

std::string text_of(const nlohmann::json& payload, const char* key) {
  auto it = payload.find(key);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<void> tell_member(Context& ctx, UnitOfWork& work, const std::string& member_id, const char* template_name,
                         const std::string& reason) {
  if (!ctx.settings.mail_decisions) return {};
  auto member = ctx.host.accounts().find_by_id(work, member_id);
  if (!member) return member.failure().refusal == Refusal::not_found ? Result<void>{} : Result<void>(member.failure());
  return ctx.host.mail().enqueue_template(work, member->email, template_name,
                                          {{"reason", reason}, {"photo_url", ctx.host.public_url() + "/account/#/photo/photo"}});
}

Result<void> on_decision(Context& ctx, const Event& event, UnitOfWork& work) {
  auto payload = nlohmann::json::parse(event.payload, nullptr, false);
  if (!payload.is_object() || text_of(payload, "kind") != kReviewKind) return {};
  std::string member_id = text_of(payload, "member_id");
  auto fields = payload.find("fields");
  if (member_id.empty() || fields == payload.end() || !fields->is_object()) return {};
  std::string photo_id = fields->value("photo_id", "");
  auto photo = photo_by_id(work, photo_id);
  if (!photo) return photo.failure();
  // Gone, or already handled (a redelivery): nothing to do, nobody to tell.
  if (!*photo || (*photo)->status != "pending") return {};

  if (event.type == "review.rejected") {
    if (auto done = delete_photo(work, photo_id); !done) return done;
    ctx.host.metrics().increment("decisions_total", "Photo decisions applied", {{"outcome", "rejected"}});
    return tell_member(ctx, work, member_id, "photo-rejected", text_of(payload, "reason"));
  }
  auto old = member_photo(work, member_id, "published");
  if (!old) return old.failure();
  if (*old)
    if (auto done = delete_photo(work, (*old)->photo_id); !done) return done;
  if (auto done = publish_photo(work, photo_id, ctx.host.clock().unix_now()); !done) return done;
  if (auto told = ctx.host.events().publish(work, "photo.published", {{"member_id", member_id}, {"photo_id", photo_id}});
      !told)
    return told;
  ctx.host.metrics().increment("decisions_total", "Photo decisions applied", {{"outcome", "approved"}});
  return tell_member(ctx, work, member_id, "photo-approved", "");
}

}  // namespace

void subscribe_to_decisions(Context& ctx) {
  ctx.host.events().subscribe("photo.decisions", {"review.approved", "review.rejected"},
                              [&ctx](const Event& event, UnitOfWork& work) { return on_decision(ctx, event, work); });
}

}  // namespace memberd::photo
