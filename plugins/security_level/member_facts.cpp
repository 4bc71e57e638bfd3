#include "member_facts.hpp"

#include <memberd/database.hpp>

namespace memberd::security_level {

Result<MemberFacts> member_facts(UnitOfWork& work, const std::string& member_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  long long question = 0, email = 0, password_at = 0, two_step = 0, passkeys = 0;
  std::string zone;
  soci::indicator found = soci::i_null;
  **sql << "SELECT question_set, email_confirmed, password_set_at, time_zone, two_step, passkeys"
           " FROM security_level_members WHERE member_id = :m",
      soci::use(member_id), soci::into(question, found), soci::into(email), soci::into(password_at), soci::into(zone),
      soci::into(two_step), soci::into(passkeys);
  if (!(*sql)->got_data()) return MemberFacts{};
  return MemberFacts{question != 0, email != 0, password_at, zone, two_step != 0, static_cast<int>(passkeys)};
}

Result<void> record_fact(UnitOfWork& work, const std::string& member_id, Fact fact, std::int64_t at) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  long long when = at;
  **sql << "INSERT INTO security_level_members (member_id) VALUES (:m) ON CONFLICT (member_id) DO NOTHING",
      soci::use(member_id);
  switch (fact) {
    case Fact::question_set:
      **sql << "UPDATE security_level_members SET question_set = 1 WHERE member_id = :m", soci::use(member_id);
      break;
    case Fact::question_removed:
      **sql << "UPDATE security_level_members SET question_set = 0 WHERE member_id = :m", soci::use(member_id);
      break;
    case Fact::email_confirmed:
      **sql << "UPDATE security_level_members SET email_confirmed = 1 WHERE member_id = :m", soci::use(member_id);
      break;
    case Fact::email_unconfirmed:
      **sql << "UPDATE security_level_members SET email_confirmed = 0 WHERE member_id = :m", soci::use(member_id);
      break;
    case Fact::two_step_on:
      **sql << "UPDATE security_level_members SET two_step = 1 WHERE member_id = :m", soci::use(member_id);
      break;
    case Fact::two_step_off:
      **sql << "UPDATE security_level_members SET two_step = 0, passkeys = 0 WHERE member_id = :m", soci::use(member_id);
      break;
    case Fact::passkey_added:
      **sql << "UPDATE security_level_members SET passkeys = passkeys + 1 WHERE member_id = :m", soci::use(member_id);
      break;
    case Fact::passkey_removed:
      **sql << "UPDATE security_level_members SET passkeys = passkeys - 1 WHERE member_id = :m AND passkeys > 0",
          soci::use(member_id);
      break;
    case Fact::password_set:
      **sql << "UPDATE security_level_members SET password_set_at = :at WHERE member_id = :m AND password_set_at < :at2",
          soci::use(when), soci::use(member_id), soci::use(when);
      break;
  }
  return {};
}

Result<void> record_time_zone(UnitOfWork& work, const std::string& member_id, const std::string& time_zone) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  **sql << "INSERT INTO security_level_members (member_id) VALUES (:m) ON CONFLICT (member_id) DO NOTHING",
      soci::use(member_id);
  **sql << "UPDATE security_level_members SET time_zone = :z WHERE member_id = :m", soci::use(time_zone),
      soci::use(member_id);
  return {};
}

}  // namespace memberd::security_level
