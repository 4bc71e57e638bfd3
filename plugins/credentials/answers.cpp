#include "answers.hpp"

#include "member_facts.hpp"

#include <memberd/database.hpp>

namespace memberd::credentials {

Result<std::optional<StoredAnswer>> stored_answer(UnitOfWork& work, const std::string& member_id) {
  using Found = std::optional<StoredAnswer>;
  // Kept prepared: GET /api/v1/me asks this on every page view.
  auto select = work.kept("SELECT question_id, answer_hash FROM credentials_answers WHERE member_id = :m");
  if (!select) return select.failure();
  StoredAnswer answer;
  soci::indicator ind = soci::i_null;
  if (!(*select)->run(soci::use(member_id), soci::into(answer.question_id, ind), soci::into(answer.answer_hash)) ||
      ind != soci::i_ok)
    return Found{};
  return Found{std::move(answer)};
}

Result<void> remove_answer(Changes& changes, UnitOfWork& work, const std::string& member_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  **sql << "DELETE FROM credentials_answers WHERE member_id = :m", soci::use(member_id);
  return member_facts_changed(changes, work, member_id);
}

Result<bool> insert_first_answer(Changes& changes, UnitOfWork& work, const std::string& member_id,
                                 const std::string& question_id, const std::string& answer_hash, long long now) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  // ON CONFLICT DO NOTHING waits for a concurrent insert of the same member
  // and then does nothing, on PostgreSQL as on SQLite (one writer).
  soci::statement insert = ((*sql)->prepare <<
      "INSERT INTO credentials_answers (member_id, question_id, answer_hash, updated_at) VALUES (:m, :q, :h, :u)"
      " ON CONFLICT (member_id) DO NOTHING",
      soci::use(member_id), soci::use(question_id), soci::use(answer_hash), soci::use(now));
  insert.execute(true);
  if (insert.get_affected_rows() != 1) return false;
  if (auto announced = member_facts_changed(changes, work, member_id); !announced) return announced.failure();
  return true;
}

Result<void> store_answer(Changes& changes, UnitOfWork& work, const std::string& member_id,
                          const std::string& question_id, const std::string& answer_hash, long long now) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  **sql << "INSERT INTO credentials_answers (member_id, question_id, answer_hash, updated_at) VALUES (:m, :q, :h, :u)"
           " ON CONFLICT (member_id) DO UPDATE SET question_id = excluded.question_id,"
           " answer_hash = excluded.answer_hash, updated_at = excluded.updated_at",
      soci::use(member_id), soci::use(question_id), soci::use(answer_hash), soci::use(now);
  return member_facts_changed(changes, work, member_id);
}

}  // namespace memberd::credentials
