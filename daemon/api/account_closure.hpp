#pragma once
// Closing a member's account (issue 32; GDPR article 17). The member asks
// (behind the step-up): every session ends, the account waits out
// `accounts.closure_grace` (signing in offers to keep it), and a mail says
// until when. Then every plugin erases its part (memberd/member_data.hpp),
// each in its own transaction, and the core removes the member and what it
// keeps of them; a last mail says it is done. The address may join again.
#include <memberd/host.hpp>
#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memberd {

struct CoreServices;

class AccountClosure {
 public:
  AccountClosure(CoreServices& core, std::chrono::seconds grace) : core_(core), grace_(grace) {}

  // Sets the day it closes (now + the grace), ends every session of the
  // member and mails them, in one transaction; asking again keeps the first
  // day. `by`: "member", or the acting admin for the event. `also` runs in
  // the transaction just before it commits (an admin's audit record).
  // Fails: busy, unavailable; as `also`.
  Result<TimePoint> schedule(UnitOfWork& work, const Member& member, const std::string& by = "member",
                             const std::function<Result<void>()>& also = {});
  // The member keeps the account: whether a closure was waiting (mailed
  // when it was). Fails: busy, unavailable.
  Result<bool> cancel(UnitOfWork& work, const Member& member);
  std::chrono::seconds grace() const { return grace_; }
  // When the member's account closes, if it is to. Fails: busy, unavailable.
  Result<std::optional<TimePoint>> closes_at(UnitOfWork& work, std::string_view member_id);

  // Closes the accounts whose grace is over, oldest first, while `budget`
  // lasts (each on a unit of its own from `open_unit`): how many closed.
  // Waits, closing none, while an enabled plugin is not serving: it could
  // not erase its part. Fails: busy, unavailable (the rest wait for the
  // next round).
  Result<int> close_due(const std::function<std::unique_ptr<UnitOfWork>()>& open_unit,
                        std::chrono::steady_clock::duration budget);

 private:
  // The members whose day has come, but those whose closure failed lately.
  Result<std::vector<std::string>> list_due(const std::function<std::unique_ptr<UnitOfWork>()>& open_unit,
                                            std::chrono::steady_clock::time_point now);
  // Every plugin's part, then the core's, then the member: whether it
  // closed now. Safe to run again after a failure halfway.
  Result<bool> close(UnitOfWork& work, const std::string& member_id);
  // Marks the member as being erased (members.erasing_since), in a
  // transaction of its own. Fails: busy, unavailable.
  Result<void> mark_erasing(UnitOfWork& work, const std::string& member_id);
  Result<bool> erase_core_part(UnitOfWork& work, const std::string& member_id, const std::string& email);

  CoreServices& core_;
  std::chrono::seconds grace_;
  std::mutex retry_mutex_;
  // Members whose closure failed (not for an outage), and when to try again.
  std::map<std::string, std::chrono::steady_clock::time_point> retry_after_;
};

}  // namespace memberd
