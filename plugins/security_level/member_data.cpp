// The security_level plugin's part of a member's data
// (memberd/member_data.hpp): every sign-in and failed guess recorded for
// them, newest first (as long as retention keeps them), and the facts
// their level is judged on; erased when the account is closed.
#include "context.hpp"
#include "records.hpp"

#include <memberd/database.hpp>
#include <memberd/erase_member_rows.hpp>
#include <memberd/member_data.hpp>

namespace memberd::security_level {

namespace {

class SecurityLevelMemberData final : public MemberDataProvider {
 public:
  explicit SecurityLevelMemberData(Context& ctx) : ctx_(ctx) {}

  Result<MemberDataPart> export_member(UnitOfWork& work, std::string_view member_id) override {
    const std::string id(member_id);
    MemberDataPart part;
    // The records as the member's own pages show them, a page at a time.
    nlohmann::json sign_ins = nlohmann::json::array();
    RecordFilter filter;
    filter.member_id = id;
    filter.limit = 500;
    for (;;) {
      auto page = find_records(work, filter);
      if (!page) return page.failure();
      for (const auto& r : *page) sign_ins.push_back(record_json(r, ctx_.host.clock(), ctx_.settings.whois_url));
      if (page->size() < static_cast<std::size_t>(filter.limit)) break;
      filter.after = Cursor{page->back().at, page->back().id};
    }
    part.data["sign_ins"] = std::move(sign_ins);
    auto sql = work.connection();
    if (!sql) return sql.failure();
    std::string time_zone;
    long long password_set_at = 0;
    **sql << "SELECT time_zone, password_set_at FROM security_level_members WHERE member_id = :m", soci::use(id),
        soci::into(time_zone), soci::into(password_set_at);
    if ((*sql)->got_data())
      part.data["settings"] = {{"time_zone", time_zone},
                               {"password_set_at", password_set_at ? nlohmann::json(time(password_set_at))
                                                                   : nlohmann::json(nullptr)}};
    return part;
  }

  Result<void> erase_member(UnitOfWork& work, std::string_view member_id) override {
    return erase_member_rows(work, member_id, {"security_level_sign_ins", "security_level_members"});
  }

 private:
  std::string time(long long unix_seconds) const {
    return ctx_.host.clock().format(TimePoint(std::chrono::seconds(unix_seconds)));
  }

  Context& ctx_;
};

}  // namespace

std::shared_ptr<MemberDataProvider> member_data_provider(Context& ctx) {
  return std::make_shared<SecurityLevelMemberData>(ctx);
}

}  // namespace memberd::security_level
