#pragma once
// The member's factors in this plugin's tables: the authenticator app's
// sealed secret and the recovery codes. Every call works on the caller's
// unit and joins its open transaction. Fails: busy, unavailable.
#include "context.hpp"

#include <memberd/unit_of_work.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace memberd::two_step {

struct FactorState {
  bool app_pending = false;    // set up, not yet confirmed with a code
  bool app_on = false;         // confirmed
  std::int64_t app_added = 0;  // Unix seconds (0: none)
  std::int64_t app_last_used = 0;
  int codes_left = 0;
  std::int64_t codes_made = 0;
};

Result<FactorState> read_factors(UnitOfWork& work, const std::string& member_id);

struct AppSecret {
  std::string secret;  // raw bytes, opened
  std::int64_t last_counter = -1;
  bool confirmed = false;
};
// The member's authenticator secret, opened; nullopt when there is none (or
// it does not open under the configured key: a key changed by mistake
// locks no one out of the database, only out of this factor).
Result<std::optional<AppSecret>> read_app_secret(const Context& ctx, UnitOfWork& work, const std::string& member_id);
// Keeps a new, unconfirmed secret, replacing an unconfirmed one. Returns
// false when the member has a confirmed one (they turn it off first).
Result<bool> store_pending_app(const Context& ctx, UnitOfWork& work, const std::string& member_id,
                               const std::string& secret, std::int64_t now);
// Marks time step `counter` used: true only for a step newer than the last
// one used (atomic: of two requests with one code, one wins). `confirming`:
// the first code, which also confirms the app.
Result<bool> use_app_step(UnitOfWork& work, const std::string& member_id, std::int64_t counter, bool confirming,
                          std::int64_t now);

// Replaces the member's recovery codes with `codes` (as shown).
Result<void> replace_recovery_codes(const Context& ctx, UnitOfWork& work, const std::string& member_id,
                                    const std::vector<std::string>& codes, std::int64_t now);
// Uses up a normalised code: true when it was one of the member's unused ones.
Result<bool> use_recovery_code(const Context& ctx, UnitOfWork& work, const std::string& member_id,
                               const std::string& normalized_code, std::int64_t now);

// Two-step turning on from off: any factor still here is stale (set up by
// whoever joined with an address its owner then took back, in the moment
// before this plugin heard of it: the core withdrew the second step
// already), so the passkeys, recovery codes, remembered browsers and a
// confirmed app go. An app being set up stays: only the member's own
// session can confirm it.
Result<void> forget_stale_factors(UnitOfWork& work, const std::string& member_id);

// Forgets every factor of the member (turning two-step off): the app, the
// recovery codes, the passkeys and the remembered browsers. True when the
// member had any factor.
Result<bool> remove_factors(UnitOfWork& work, const std::string& member_id);

}  // namespace memberd::two_step
