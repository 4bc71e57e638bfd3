// The two_step plugin's part of a member's data (memberd/member_data.hpp):
// whether the second step is on, its factors (never a key, a code or its
// hash), the browsers it remembers and what admins did; erased when the
// account is closed (the host forgets that the member had a second step).
#include "factors.hpp"
#include "remembered_devices.hpp"
#include "routes.hpp"

#include <memberd/database.hpp>
#include <memberd/member_data.hpp>

namespace memberd::two_step {

namespace {

class TwoStepMemberData final : public MemberDataProvider {
 public:
  explicit TwoStepMemberData(Context& ctx) : ctx_(ctx) {}

  Result<MemberDataPart> export_member(UnitOfWork& work, std::string_view member_id) override {
    const std::string id(member_id);
    auto view = two_step_view(ctx_, work, id);
    if (!view) return view.failure();
    auto devices = remembered_devices(ctx_, work, id);
    if (!devices) return devices.failure();
    auto time = [&](std::int64_t t) {
      return t ? nlohmann::json(ctx_.host.clock().format(TimePoint(std::chrono::seconds(t)))) : nlohmann::json(nullptr);
    };
    nlohmann::json remembered = nlohmann::json::array();
    for (const auto& d : *devices)
      remembered.push_back({{"browser", d.user_agent},
                            {"remembered_at", time(d.created_at)},
                            {"last_used_at", time(d.last_used_at)},
                            {"until", time(d.expires_at)}});
    // What staff did, why and when, but not which of them: their address
    // is the operator's record (the admin audit log), not the member's.
    nlohmann::json actions = nlohmann::json::array();
    for (auto action : (*view)["actions"]) {
      action["by"] = "an administrator";
      actions.push_back(std::move(action));
    }
    MemberDataPart part;
    part.data = {{"second_step_on", (*view)["enabled"]},
                 {"factors", (*view)["factors"]},
                 {"remembered_browsers", std::move(remembered)},
                 {"admin_actions", std::move(actions)}};
    return part;
  }

  Result<void> erase_member(UnitOfWork& work, std::string_view member_id) override {
    const std::string id(member_id);
    auto tx = WriteTransaction::open(work);
    if (!tx) return tx.failure();
    auto removed = remove_factors(work, id);  // the app, the codes, the passkeys, the remembered browsers
    if (!removed) return removed.failure();
    auto sql = work.connection();
    if (!sql) return sql.failure();
    **sql << "DELETE FROM two_step_admin_actions WHERE member_id = :m", soci::use(id);
    **sql << "DELETE FROM two_step_webauthn_challenges WHERE member_id = :m", soci::use(id);
    return tx->commit();
  }

 private:
  Context& ctx_;
};

}  // namespace

std::shared_ptr<MemberDataProvider> member_data_provider(Context& ctx) {
  return std::make_shared<TwoStepMemberData>(ctx);
}

}  // namespace memberd::two_step
