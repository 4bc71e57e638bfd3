// From the host's review decisions to publication. The handler runs in the
// event delivery's transaction, so the published row, the follow-up event
// and the mail commit with the cursor's advance: a hot swap or a restart
// between the admin's click and this handler loses nothing, and a
// redelivery (at least once) writes the same row again.
#include "context.hpp"
#include "published_profiles.hpp"

#include <memberd/json.hpp>
#include <memberd/wording.hpp>

#include <nlohmann/json.hpp>

namespace memberd::profile {

namespace {

std::string text_of(const nlohmann::json& payload, const char* key) {
  auto it = payload.find(key);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

long long unix_of(const Host& host, const std::string& rfc3339) {
  // The host writes decided_at as RFC 3339 UTC; if a payload lacked it,
  // the delivery's own time is as good.
  std::tm tm{};
  if (rfc3339.size() >= 19 && strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return timegm(&tm);
  return host.clock().unix_now();
}

Result<void> tell_member(Context& ctx, UnitOfWork& work, const std::string& member_id, const char* template_name,
                         const nlohmann::json& payload, const std::string& submitted_at) {
  if (!ctx.settings.mail_decisions) return {};
  auto member = ctx.host.accounts().find_by_id(work, member_id);
  if (!member) return member.failure().refusal == Refusal::not_found ? Result<void>{} : Result<void>(member.failure());
  return ctx.host.mail().enqueue_template(
      work, member->email, template_name,
      {{"reason", text_of(payload, "reason")},
       {"submitted_at", submitted_at.empty() ? std::string("your last submission") : time_for_people(submitted_at)},
       {"profile_url", ctx.host.public_url() + "/account/#/profile/edit"},
       {"change_password_url", ctx.host.public_url() + "/account/#/credentials/change-password"}});
}

Result<void> on_decision(Context& ctx, const Event& event, UnitOfWork& work) {
  auto payload = nlohmann::json::parse(event.payload, nullptr, false);
  if (!payload.is_object() || text_of(payload, "kind") != kReviewKind) return {};
  std::string member_id = text_of(payload, "member_id");
  std::string revision_id = text_of(payload, "revision_id");
  if (member_id.empty() || revision_id.empty()) return {};
  // The submission time, for the mail: the queue still has the revision.
  auto decided = ctx.host.reviews().last_decision(work, kReviewKind, member_id);
  if (!decided) return decided.failure();
  std::string submitted_at = *decided && (*decided)->revision_id == revision_id ? (*decided)->submitted_at : "";

  if (event.type == "review.rejected") return tell_member(ctx, work, member_id, "review-rejected", payload, submitted_at);

  auto fields = payload.find("fields");
  if (fields == payload.end() || !fields->is_object()) return {};
  PublishedProfile profile{*fields, revision_id, unix_of(ctx.host, text_of(payload, "decided_at"))};
  if (auto done = publish_profile(work, member_id, profile); !done) return done;
  // For other plugins: the member's time zone is what their pages use for
  // local time.
  if (auto told = ctx.host.events().publish(
          work, "profile.published",
          {{"member_id", member_id}, {"revision_id", revision_id}, {"time_zone", fields->value("time_zone", "")}});
      !told)
    return told;
  ctx.host.metrics().increment("published_total", "Profile revisions published after approval");
  return tell_member(ctx, work, member_id, "review-approved", payload, submitted_at);
}

}  // namespace

void subscribe_to_decisions(Context& ctx) {
  ctx.host.events().subscribe("profile.decisions", {"review.approved", "review.rejected"},
                              [&ctx](const Event& event, UnitOfWork& work) { return on_decision(ctx, event, work); });
}

}  // namespace memberd::profile
