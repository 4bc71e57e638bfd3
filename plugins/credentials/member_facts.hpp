#pragma once
// What GET /api/v1/me shows of this plugin's own tables (whether a security
// question is set, whether the email is confirmed), kept in memory per
// member so that a page view costs no query.
//
// Every write to those tables announces the member on the change feed
// (Host::changes(), topic "member") in its transaction, and every daemon's
// cache forgets the member when it commits. Nothing new is kept while the
// feed is not live; a read that raced a change is not kept either; and
// nothing is kept longer than 30 s (the sessions' own cache_ttl), so that a
// change made by hand, or by a daemon of an older version during a rolling
// upgrade, shows within that.
#include <memberd/changes.hpp>
#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace memberd::credentials {

struct MemberFacts {
  bool question_set = false;
  bool email_confirmed = true;
};

// Every daemon forgets what it knows of `member_id` once `work` commits.
// Call it in the transaction of every write to credentials_answers or
// credentials_unconfirmed_emails. Fails: busy, unavailable.
Result<void> member_facts_changed(Changes& changes, UnitOfWork& work, const std::string& member_id);

class MemberFactsCache {
 public:
  // From start(): listens for the changes above, from any daemon.
  explicit MemberFactsCache(Changes& changes);

  // From memory, or read (two kept statements) and kept. Fails: busy,
  // unavailable.
  Result<MemberFacts> read(UnitOfWork& work, const std::string& member_id);

 private:
  void forget(std::string_view member_id);

  Changes& changes_;
  std::mutex mutex_;
  struct Kept {
    MemberFacts facts;
    std::chrono::steady_clock::time_point read_at;
  };
  std::unordered_map<std::string, Kept> facts_;
  std::uint64_t generation_ = 0;  // bumped by every forget
};

}  // namespace memberd::credentials
