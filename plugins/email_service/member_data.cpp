// The email_service plugin's part of a member's data
// (memberd/member_data.hpp): their choice for each category, and when and
// by whom each recorded choice was made; erased when the account is closed.
#include "routes.hpp"

#include <memberd/database.hpp>
#include <memberd/erase_member_rows.hpp>
#include <memberd/member_data.hpp>

namespace memberd::email_service {

namespace {

class EmailServiceMemberData final : public MemberDataProvider {
 public:
  explicit EmailServiceMemberData(Context& ctx) : ctx_(ctx) {}

  Result<MemberDataPart> export_member(UnitOfWork& work, std::string_view member_id) override {
    const std::string id(member_id);
    auto state = subscription_state(ctx_, work, id);
    if (!state) return state.failure();
    MemberDataPart part;
    part.data["subscriptions"] = (*state)["categories"];
    auto sql = work.connection();
    if (!sql) return sql.failure();
    nlohmann::json changes = nlohmann::json::array();
    soci::rowset<soci::row> rows =
        ((*sql)->prepare << "SELECT category_id, subscribed, changed_at, changed_by FROM email_service_subscriptions"
                            " WHERE member_id = :m ORDER BY category_id",
         soci::use(id));
    for (const auto& row : rows) {
      auto number = [&](std::size_t column) -> long long {
        switch (row.get_properties(column).get_data_type()) {
          case soci::dt_integer: return row.get<int>(column);
          case soci::dt_long_long: return row.get<long long>(column);
          default: return static_cast<long long>(row.get<double>(column));
        }
      };
      changes.push_back({{"category", row.get<std::string>(0)},
                         {"subscribed", number(1) != 0},
                         {"changed_at", ctx_.host.clock().format(TimePoint(std::chrono::seconds(number(2))))},
                         {"changed_by", row.get<std::string>(3)}});
    }
    part.data["recorded_choices"] = std::move(changes);
    return part;
  }

  Result<void> erase_member(UnitOfWork& work, std::string_view member_id) override {
    return erase_member_rows(work, member_id, {"email_service_subscriptions"});
  }

 private:
  Context& ctx_;
};

}  // namespace

std::shared_ptr<MemberDataProvider> member_data_provider(Context& ctx) {
  return std::make_shared<EmailServiceMemberData>(ctx);
}

}  // namespace memberd::email_service
