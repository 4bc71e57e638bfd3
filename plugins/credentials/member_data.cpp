// The credentials plugin's part of a member's data (memberd/member_data.hpp):
// whether the address is confirmed, the security question (never the
// answer or its hash), an email change waiting for its link, the sign-in
// before the last; and erasing all of it, with every link still out.
#include "member_data.hpp"

#include "answers.hpp"
#include "confirmation.hpp"
#include "member_facts.hpp"

#include <memberd/database.hpp>

namespace memberd::credentials {

namespace {

class CredentialsMemberData final : public MemberDataProvider {
 public:
  explicit CredentialsMemberData(Context& ctx) : ctx_(ctx) {}

  Result<MemberDataPart> export_member(UnitOfWork& work, std::string_view member_id) override {
    const std::string id(member_id);
    auto time = [&](long long unix_seconds) {
      return ctx_.host.clock().format(TimePoint(std::chrono::seconds(unix_seconds)));
    };
    auto confirmed = email_confirmed(work, id);
    if (!confirmed) return confirmed.failure();
    auto sql = work.connection();
    if (!sql) return sql.failure();
    MemberDataPart part;
    part.data["email_confirmed"] = *confirmed;

    std::string question_id;
    long long set_at = 0;
    **sql << "SELECT question_id, updated_at FROM credentials_answers WHERE member_id = :m", soci::use(id),
        soci::into(question_id), soci::into(set_at);
    if ((*sql)->got_data()) {
      const Question* q = ctx_.settings.question(question_id);
      part.data["security_question"] = {{"question", q ? q->text : question_id}, {"set_at", time(set_at)}};
    } else {
      part.data["security_question"] = nullptr;
    }

    auto pending = ctx_.tokens.newest_live(work, TokenKind::verify_email, id);
    if (!pending) return pending.failure();
    part.data["pending_email_change"] =
        *pending ? nlohmann::json{{"new_email", (*pending)->new_email},
                                  {"requested_at", time((*pending)->created_at)},
                                  {"expires_at", time((*pending)->expires_at)}}
                 : nlohmann::json(nullptr);

    long long at = 0;
    int anonymous = 0;
    std::string ip, agent, label;
    **sql << "SELECT at, ip, user_agent, label, anonymous FROM credentials_last_sign_ins WHERE member_id = :m",
        soci::use(id), soci::into(at), soci::into(ip), soci::into(agent), soci::into(label), soci::into(anonymous);
    part.data["latest_sign_in"] = (*sql)->got_data() ? nlohmann::json{{"at", time(at)},
                                                                      {"ip", ip},
                                                                      {"browser", agent},
                                                                      {"place", label},
                                                                      {"anonymous_proxy", anonymous != 0}}
                                                     : nlohmann::json(nullptr);
    return part;
  }

  Result<void> erase_member(UnitOfWork& work, std::string_view member_id) override {
    const std::string id(member_id);
    auto tx = WriteTransaction::open(work);
    if (!tx) return tx.failure();
    auto sql = work.connection();
    if (!sql) return sql.failure();
    for (const char* table : {"credentials_answers", "credentials_tokens", "credentials_last_sign_ins",
                              "credentials_unconfirmed_emails"})
      **sql << "DELETE FROM " << table << " WHERE member_id = :m", soci::use(id);
    if (auto told = member_facts_changed(ctx_.host.changes(), work, id); !told) return told;
    return tx->commit();
  }

 private:
  Context& ctx_;
};

}  // namespace

std::shared_ptr<MemberDataProvider> member_data_provider(Context& ctx) {
  return std::make_shared<CredentialsMemberData>(ctx);
}

}  // namespace memberd::credentials
