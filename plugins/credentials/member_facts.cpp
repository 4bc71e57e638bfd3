#include "member_facts.hpp"

#include "answers.hpp"
#include "confirmation.hpp"

namespace memberd::credentials {

namespace {
constexpr std::string_view kTopic = "member";
// Past this many members the cache starts over rather than grow.
constexpr std::size_t kLimit = 100000;
constexpr auto kLifetime = std::chrono::seconds(30);
}  // namespace

Result<void> member_facts_changed(Changes& changes, UnitOfWork& work, const std::string& member_id) {
  return changes.announce(work, kTopic, member_id);
}

MemberFactsCache::MemberFactsCache(Changes& changes) : changes_(changes) {
  changes_.on_change(kTopic, [this](std::string_view member_id) { forget(member_id); });
}

void MemberFactsCache::forget(std::string_view member_id) {
  std::lock_guard lock(mutex_);
  ++generation_;
  // An empty key: changes may have been missed.
  if (member_id.empty())
    facts_.clear();
  else
    facts_.erase(std::string(member_id));
}

Result<MemberFacts> MemberFactsCache::read(UnitOfWork& work, const std::string& member_id) {
  std::uint64_t generation;
  {
    std::lock_guard lock(mutex_);
    if (changes_.live())
      if (auto found = facts_.find(member_id); found != facts_.end()) {
        if (std::chrono::steady_clock::now() - found->second.read_at < kLifetime) return found->second.facts;
        facts_.erase(found);
      }
    generation = generation_;
  }
  auto stored = stored_answer(work, member_id);
  if (!stored) return stored.failure();
  auto confirmed = email_confirmed(work, member_id);
  if (!confirmed) return confirmed.failure();
  MemberFacts facts{stored->has_value(), *confirmed};
  std::lock_guard lock(mutex_);
  // A change heard while we read: what we read may be stale.
  if (changes_.live() && generation == generation_) {
    if (facts_.size() >= kLimit) facts_.clear();
    facts_[member_id] = Kept{facts, std::chrono::steady_clock::now()};
  }
  return facts;
}

}  // namespace memberd::credentials
