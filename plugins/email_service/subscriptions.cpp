#include "subscriptions.hpp"

#include <memberd/database.hpp>

namespace memberd::email_service {

Result<std::map<std::string, bool>> recorded_choices(UnitOfWork& work, const std::string& member_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::map<std::string, bool> out;
  std::string category;
  long long subscribed = 0;
  soci::statement st = ((*sql)->prepare << "SELECT category_id, subscribed FROM email_service_subscriptions"
                                           " WHERE member_id = :m",
                        soci::use(member_id), soci::into(category), soci::into(subscribed));
  if (st.execute(true)) {
    do out[category] = subscribed != 0;
    while (st.fetch());
  }
  return out;
}

Result<void> record_choice(UnitOfWork& work, const std::string& member_id, const std::string& category_id,
                           bool subscribed, std::int64_t at, const std::string& by) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  int value = subscribed ? 1 : 0;
  long long when = at;
  **sql << "INSERT INTO email_service_subscriptions (member_id, category_id, subscribed, changed_at, changed_by)"
           " VALUES (:m, :c, :s, :t, :b) ON CONFLICT (member_id, category_id) DO UPDATE SET"
           " subscribed = excluded.subscribed, changed_at = excluded.changed_at, changed_by = excluded.changed_by",
      soci::use(member_id), soci::use(category_id), soci::use(value), soci::use(when), soci::use(by);
  return {};
}

}  // namespace memberd::email_service
