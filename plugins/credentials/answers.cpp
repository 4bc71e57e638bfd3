#include "answers.hpp"

#include <soci/soci.h>

namespace memberd::credentials {

std::optional<StoredAnswer> stored_answer(Database& database, const std::string& member_id) {
  StoredAnswer answer;
  soci::indicator ind = soci::i_null;
  auto lease = database.lease();
  auto& sql = lease->sql();
  sql << "SELECT question_id, answer_hash FROM credentials_answers WHERE member_id = :m", soci::use(member_id),
      soci::into(answer.question_id, ind), soci::into(answer.answer_hash);
  if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
  return answer;
}

void store_answer(soci::session& tx, const std::string& member_id, const std::string& question_id,
                  const std::string& answer_hash, long long now) {
  tx << "INSERT INTO credentials_answers (member_id, question_id, answer_hash, updated_at) VALUES (:m, :q, :h, :u)"
        " ON CONFLICT (member_id) DO UPDATE SET question_id = excluded.question_id,"
        " answer_hash = excluded.answer_hash, updated_at = excluded.updated_at",
      soci::use(member_id), soci::use(question_id), soci::use(answer_hash), soci::use(now);
}

}  // namespace memberd::credentials
