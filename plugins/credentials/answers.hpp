#pragma once
// Members' security questions: the catalogue id and the Argon2id hash of the
// normalised answer, one per member.
#include <memberd/host.hpp>

#include <optional>
#include <string>

namespace memberd::credentials {

struct StoredAnswer {
  std::string question_id, answer_hash;
};

std::optional<StoredAnswer> stored_answer(Database& database, const std::string& member_id);
void store_answer(soci::session& tx, const std::string& member_id, const std::string& question_id,
                  const std::string& answer_hash, long long now);

}  // namespace memberd::credentials
