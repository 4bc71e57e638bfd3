// The member's greetings and published motto, exported and erased. (A motto
// still waiting for an admin is in the host's review queue: the host
// exports and erases that itself.)
#include "member_data.hpp"

#include <memberd/database.hpp>
#include <memberd/erase_member_rows.hpp>

namespace hello {

namespace {

class HelloMemberData final : public memberd::MemberDataProvider {
 public:
  explicit HelloMemberData(memberd::Host& host) : host_(host) {}

  memberd::Result<memberd::MemberDataPart> export_member(memberd::UnitOfWork& work,
                                                         std::string_view member_id) override {
    const std::string id(member_id);
    auto sql = work.connection();
    if (!sql) return sql.failure();  // busy: no connection
    memberd::MemberDataPart part;
    part.data["greetings"] = nlohmann::json::array();
    std::string text;
    long long at = 0;
    soci::statement greetings = ((*sql)->prepare << "SELECT text, created_at FROM hello_greetings"
                                                    " WHERE member_id = :m ORDER BY id",
                                 soci::use(id), soci::into(text), soci::into(at));
    greetings.execute();
    while (greetings.fetch()) part.data["greetings"].push_back({{"text", text}, {"left_at", time(at)}});
    **sql << "SELECT text, published_at FROM hello_mottos WHERE member_id = :m", soci::use(id), soci::into(text),
        soci::into(at);
    part.data["motto"] = (*sql)->got_data() ? nlohmann::json{{"text", text}, {"published_at", time(at)}}
                                            : nlohmann::json(nullptr);
    return part;
  }

  memberd::Result<void> erase_member(memberd::UnitOfWork& work, std::string_view member_id) override {
    return memberd::erase_member_rows(work, member_id, {"hello_greetings", "hello_mottos"});
  }

 private:
  std::string time(long long unix_seconds) const {
    return host_.clock().format(memberd::TimePoint(std::chrono::seconds(unix_seconds)));
  }

  memberd::Host& host_;
};

}  // namespace

std::shared_ptr<memberd::MemberDataProvider> member_data_provider(memberd::Host& host) {
  return std::make_shared<HelloMemberData>(host);
}

}  // namespace hello
