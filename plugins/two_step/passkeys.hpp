#pragma once
// The member's passkeys and the WebAuthn challenges, in this plugin's
// tables. Every call works on the caller's unit and joins its open
// transaction. Fails: busy, unavailable.
#include "context.hpp"
#include "webauthn.hpp"

#include <memberd/http.hpp>
#include <memberd/unit_of_work.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace memberd::two_step {

constexpr int kMaxPasskeysPerMember = 10;

struct PasskeyRow {
  std::string credential_id;  // base64url
  std::string member_id, name;
  StoredPasskey key;
  std::int64_t created_at = 0, last_used_at = 0;
};

// The opaque user handle of a member's passkeys (WebAuthn's user.id): 32
// bytes derived under the operator's key, never their email or id, the
// same for every passkey of theirs.
std::string passkey_user_handle(const Context& ctx, const std::string& member_id);

// `lock`: inside a write transaction, the rows stay the caller's until it
// ends (FOR UPDATE on PostgreSQL; SQLite's write transaction holds the whole
// database already), so two requests cannot both decide on the same set.
Result<std::vector<PasskeyRow>> member_passkeys(UnitOfWork& work, const std::string& member_id, bool lock = false);
Result<std::optional<PasskeyRow>> find_passkey(UnitOfWork& work, const std::string& credential_id);
// Returns false when the credential is registered already (to anyone).
Result<bool> add_passkey(UnitOfWork& work, const PasskeyRow& row);
// The counter and last use after a sign-in; false when it changed meanwhile
// (two sign-ins with one assertion: only one may count).
Result<bool> record_passkey_use(UnitOfWork& work, const std::string& credential_id, std::uint32_t old_count,
                                std::uint32_t new_count, std::int64_t now);
// Rename and removal, of the member's own passkey only: false when it is not theirs.
Result<bool> rename_passkey(UnitOfWork& work, const std::string& member_id, const std::string& credential_id,
                            const std::string& name);
Result<bool> remove_passkey(UnitOfWork& work, const std::string& member_id, const std::string& credential_id);

enum class CeremonyPurpose { register_key, sign_in, second_step };

// A new challenge (32 random bytes, as base64url) for `purpose`, bound to
// the client of `request`, for `member_id` ("" for a passkey alone), valid
// for 5 minutes. Expired ones are swept on the way.
Result<std::string> issue_ceremony_challenge(Context& ctx, const Request& request, CeremonyPurpose purpose,
                                             const std::string& member_id);
// Uses up the challenge a client echoed (one use, even against a concurrent
// request): the member it was issued for ("" for sign_in), or nullopt when
// it is unknown, expired, used, another purpose's or another client's.
Result<std::optional<std::string>> use_ceremony_challenge(Context& ctx, const Request& request,
                                                          CeremonyPurpose purpose, const std::string& challenge);

}  // namespace memberd::two_step
