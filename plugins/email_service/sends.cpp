#include "sends.hpp"
#include "category_message.hpp"

#include <memberd/database.hpp>

#include <map>

namespace memberd::email_service {

namespace {

constexpr const char* kColumns =
    "send_id, category_id, subject, text_body, html_body, audience, status, next_after, queued, skipped, expected,"
    " created_at, created_by, finished_at";

// Member ids are the host's UUIDs: checked here so that they can stand in
// an IN list as literals.
bool is_member_id(const std::string& id) {
  return !id.empty() && id.size() <= 36 && id.find_first_not_of("0123456789abcdefABCDEF-") == std::string::npos;
}

// The recorded choices of `page`'s members for one category.
std::map<std::string, bool> choices_of(soci::session& sql, const std::string& category_id,
                                       const std::vector<Member>& page) {
  std::map<std::string, bool> out;
  std::string in;
  for (const auto& m : page)
    if (is_member_id(m.member_id)) in += (in.empty() ? "'" : ",'") + m.member_id + "'";
  if (in.empty()) return out;
  std::string member_id;
  long long subscribed = 0;
  soci::statement st = (sql.prepare << "SELECT member_id, subscribed FROM email_service_subscriptions"
                                       " WHERE category_id = :c AND member_id IN (" + in + ")",
                        soci::use(category_id), soci::into(member_id), soci::into(subscribed));
  if (st.execute(true)) {
    do out[member_id] = subscribed != 0;
    while (st.fetch());
  }
  return out;
}

struct SendRow {
  SendRecord r;
  long long queued = 0, skipped = 0, expected = 0, created_at = 0, finished_at = 0;
  soci::indicator finished = soci::i_null;

  SendRecord record() {
    r.queued = queued;
    r.skipped = skipped;
    r.expected = expected;
    r.created_at = created_at;
    if (finished == soci::i_ok) r.finished_at = finished_at;
    return r;
  }
};

}  // namespace

Result<PageOutcome> mail_page(Context& ctx, UnitOfWork& work, const SendRecord& send, const std::vector<Member>& page,
                              const SigningKey& key) {
  const Category* category = ctx.settings.category(send.category_id);
  PageOutcome outcome;
  if (!category) {  // removed from the config since the send began: nobody chose it any more
    outcome.skipped = static_cast<std::int64_t>(page.size());
    return outcome;
  }
  auto sql = work.connection();
  if (!sql) return sql.failure();
  auto choices = choices_of(**sql, category->id, page);
  for (const auto& member : page) {
    auto chosen = choices.find(member.member_id);
    bool subscribed = chosen == choices.end() ? category->subscribed_by_default : chosen->second;
    if (!subscribed) {
      ++outcome.skipped;
      continue;
    }
    auto message = category_message(ctx, send, *category, member,
                                    unsubscribe_token(ctx, key, member.member_id, category->id));
    if (auto queued = ctx.host.mail().enqueue_in_batch(work, message, batch_of(send.send_id)); !queued)
      return queued.failure();
    ++outcome.queued;
  }
  return outcome;
}

Result<void> insert_send(UnitOfWork& work, const SendRecord& s) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  long long queued = s.queued, skipped = s.skipped, expected = s.expected, created = s.created_at;
  long long finished = s.finished_at.value_or(0);
  soci::indicator finished_ind = s.finished_at ? soci::i_ok : soci::i_null;
  **sql << "INSERT INTO email_service_sends (" + std::string(kColumns) +
               ") VALUES (:id, :c, :s, :t, :h, :a, :st, :n, :q, :sk, :e, :cr, :by, :f)",
      soci::use(s.send_id), soci::use(s.category_id), soci::use(s.subject), soci::use(s.text), soci::use(s.html),
      soci::use(s.audience), soci::use(s.status), soci::use(s.next_after), soci::use(queued), soci::use(skipped),
      soci::use(expected), soci::use(created), soci::use(s.created_by), soci::use(finished, finished_ind);
  return {};
}

Result<void> save_progress(UnitOfWork& work, const SendRecord& s) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  long long queued = s.queued, skipped = s.skipped, finished = s.finished_at.value_or(0);
  soci::indicator finished_ind = s.finished_at ? soci::i_ok : soci::i_null;
  **sql << "UPDATE email_service_sends SET status = :st, next_after = :n, queued = :q, skipped = :sk, finished_at = :f"
           " WHERE send_id = :id",
      soci::use(s.status), soci::use(s.next_after), soci::use(queued), soci::use(skipped),
      soci::use(finished, finished_ind), soci::use(s.send_id);
  return {};
}

Result<SendRecord> load_send(UnitOfWork& work, const std::string& send_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  SendRow row;
  std::string id = send_id;
  **sql << "SELECT " + std::string(kColumns) + " FROM email_service_sends WHERE send_id = :id", soci::use(id),
      soci::into(row.r.send_id), soci::into(row.r.category_id), soci::into(row.r.subject), soci::into(row.r.text),
      soci::into(row.r.html), soci::into(row.r.audience), soci::into(row.r.status), soci::into(row.r.next_after),
      soci::into(row.queued), soci::into(row.skipped), soci::into(row.expected), soci::into(row.created_at),
      soci::into(row.r.created_by), soci::into(row.finished_at, row.finished);
  if (!(*sql)->got_data()) return Failure{Refusal::not_found, {}, "There is no such send."};
  return row.record();
}

Result<std::vector<SendRecord>> recent_sends(UnitOfWork& work, int limit) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::vector<SendRecord> out;
  SendRow row;
  soci::statement st =
      ((*sql)->prepare << "SELECT " + std::string(kColumns) +
                              " FROM email_service_sends ORDER BY created_at DESC, send_id LIMIT " + std::to_string(limit),
       soci::into(row.r.send_id), soci::into(row.r.category_id), soci::into(row.r.subject), soci::into(row.r.text),
       soci::into(row.r.html), soci::into(row.r.audience), soci::into(row.r.status), soci::into(row.r.next_after),
       soci::into(row.queued), soci::into(row.skipped), soci::into(row.expected), soci::into(row.created_at),
       soci::into(row.r.created_by), soci::into(row.finished_at, row.finished));
  if (st.execute(true)) {
    do {
      out.push_back(row.record());
      row.r.finished_at.reset();
    } while (st.fetch());
  }
  return out;
}

Result<Audience> audience_of(Context& ctx, UnitOfWork& work, const Category& category) {
  auto members = ctx.host.accounts().member_count(work);
  if (!members) return members.failure();
  auto sql = work.connection();
  if (!sql) return sql.failure();
  long long opted_in = 0, opted_out = 0;
  std::string id = category.id;
  **sql << "SELECT COALESCE(SUM(CASE WHEN subscribed <> 0 THEN 1 ELSE 0 END), 0),"
           " COALESCE(SUM(CASE WHEN subscribed = 0 THEN 1 ELSE 0 END), 0)"
           " FROM email_service_subscriptions WHERE category_id = :c",
      soci::use(id), soci::into(opted_in), soci::into(opted_out);
  Audience a;
  a.members = *members;
  // Members without a row take the category's default.
  a.subscribed = category.subscribed_by_default ? a.members - opted_out : opted_in;
  a.unsubscribed = a.members - a.subscribed;
  return a;
}

}  // namespace memberd::email_service
