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

// nullopt when the member has none. Fails: busy.
Result<std::optional<StoredAnswer>> stored_answer(UnitOfWork& work, const std::string& member_id);
// The writes below join the open transaction and announce the member on
// `changes` (member_facts.hpp), so that every daemon's GET /api/v1/me shows
// the change once it commits.
// Removes the member's question, if any. Fails: busy, unavailable.
Result<void> remove_answer(Changes& changes, UnitOfWork& work, const std::string& member_id);
// Sets the member's first question: false when one is there already, also
// when a concurrent request set it a moment ago (the transaction stays
// usable). Fails: busy, unavailable.
Result<bool> insert_first_answer(Changes& changes, UnitOfWork& work, const std::string& member_id,
                                 const std::string& question_id, const std::string& answer_hash, long long now);
// Sets or replaces it. Fails: busy, unavailable.
Result<void> store_answer(Changes& changes, UnitOfWork& work, const std::string& member_id,
                          const std::string& question_id, const std::string& answer_hash, long long now);

}  // namespace memberd::credentials
