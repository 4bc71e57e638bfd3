// The profile plugin's part of a member's data (memberd/member_data.hpp):
// the published profile, the revision waiting for approval and the last
// decision on one; erased when the account is closed (the review queue's
// own records of the member go with the member, removed by the host).
#include "context.hpp"
#include "published_profiles.hpp"

#include <memberd/database.hpp>
#include <memberd/erase_member_rows.hpp>
#include <memberd/member_data.hpp>
#include <memberd/reviews.hpp>

namespace memberd::profile {

namespace {

nlohmann::json revision_json(const ReviewRevision& r) {
  nlohmann::json fields = nlohmann::json::parse(r.fields, nullptr, false);
  nlohmann::json out{{"fields", fields.is_discarded() ? nlohmann::json(nullptr) : fields},
                     {"submitted_at", r.submitted_at},
                     {"status", r.status}};
  if (!r.decided_at.empty()) out["decided_at"] = r.decided_at;
  if (!r.reason.empty()) out["reason"] = r.reason;
  return out;
}

class ProfileMemberData final : public MemberDataProvider {
 public:
  explicit ProfileMemberData(Context& ctx) : ctx_(ctx) {}

  Result<MemberDataPart> export_member(UnitOfWork& work, std::string_view member_id) override {
    const std::string id(member_id);
    MemberDataPart part;
    auto published = published_profile(work, id);
    if (!published) return published.failure();
    part.data["published"] =
        *published ? nlohmann::json{{"fields", (*published)->fields},
                                    {"published_at", ctx_.host.clock().format(
                                                         TimePoint(std::chrono::seconds((*published)->published_at)))}}
                   : nlohmann::json(nullptr);
    auto pending = ctx_.host.reviews().pending(work, kReviewKind, id);
    if (!pending) return pending.failure();
    part.data["waiting_for_approval"] = *pending ? revision_json(**pending) : nlohmann::json(nullptr);
    auto decided = ctx_.host.reviews().last_decision(work, kReviewKind, id);
    if (!decided) return decided.failure();
    part.data["last_decision"] = *decided ? revision_json(**decided) : nlohmann::json(nullptr);
    return part;
  }

  Result<void> erase_member(UnitOfWork& work, std::string_view member_id) override {
    return erase_member_rows(work, member_id, {"profile_published"});
  }

 private:
  Context& ctx_;
};

}  // namespace

std::shared_ptr<MemberDataProvider> member_data_provider(Context& ctx) {
  return std::make_shared<ProfileMemberData>(ctx);
}

}  // namespace memberd::profile
