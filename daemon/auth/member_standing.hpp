#pragma once
// What an admin may change about a member's standing (issue 32): disable
// and enable the account, grant and remove the admin role. Each joins the
// caller's open write transaction and has every daemon forget the member's
// cached sessions once it commits, so the change holds at once everywhere.
#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <string_view>

namespace memberd {

class SessionStore;

// Refuses (Refusal::disabled) a member an admin disabled, or whose account's
// closing day has come (it is being erased); an unknown member
// passes (the caller's own lookup says not_found). On PostgreSQL the
// member's row stays locked until the transaction ends, so a sign-in and a
// disable never cross: whichever commits second sees the other. Fails:
// disabled, busy, unavailable. `now`: Unix seconds.
Result<void> refuse_if_disabled(UnitOfWork& work, std::string_view member_id, long long now);

// Refuses (Refusal::conflict) when the member is the only enabled admin
// left (an account set to close no longer counts): for a change that would
// take them away (closing their account). Join the change's transaction:
// the admins' changes take turns. Fails: conflict, busy, unavailable.
Result<void> refuse_last_admin(UnitOfWork& work, std::string_view member_id);

class MemberStanding {
 public:
  explicit MemberStanding(SessionStore& sessions) : sessions_(sessions) {}

  // What changed: false when it already was so (disabling a disabled
  // member). Disabling ends every session of the member in the same
  // transaction. Fails: not_found, conflict (the last enabled admin: the
  // console would have no one left), busy, unavailable.
  Result<bool> disable(UnitOfWork& work, std::string_view member_id, long long now);
  Result<bool> enable(UnitOfWork& work, std::string_view member_id);
  // Fails as disable; removing fails conflict for the last enabled admin.
  Result<bool> grant_admin(UnitOfWork& work, std::string_view member_id);
  Result<bool> remove_admin(UnitOfWork& work, std::string_view member_id);

 private:
  SessionStore& sessions_;
};

}  // namespace memberd
