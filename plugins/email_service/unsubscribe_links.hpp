#pragma once
// Unsubscribe links (RFC 8058) that need no session and no table of tokens:
// a token is "<key version>.<member_id>.<category_id>.<mac>", the mac an
// HMAC-SHA-256 (cut to 128 bits) over the other three under that key
// version's secret. Keys live in email_service_unsubscribe_keys and rotate
// (Settings::rotate_keys_every); a replaced key still verifies for
// Settings::keys_accepted_for, so mail already delivered keeps working.
#include "routes.hpp"

#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <string>

namespace memberd::email_service {

struct SigningKey {
  long long version = 0;
  std::string secret;
};

// The key to sign links with now: the newest, or a new one (the old one
// marked replaced) when the newest is older than the rotation period.
// DB: reads; writes on a rotation (joins the open transaction).
// Fails: busy, internal (no random bytes).
Result<SigningKey> signing_key(Context& ctx, UnitOfWork& work);

std::string unsubscribe_token(const Context& ctx, const SigningKey& key, const std::string& member_id,
                              const std::string& category_id);

struct UnsubscribeClaim {
  std::string member_id;
  std::string category_id;
};

// What a token says, once its mac is right under a key still accepted.
// DB: reads. Fails: not_found (malformed, forged, or a key that does not
// exist), gone (signed by a key replaced longer ago than accepted), busy.
Result<UnsubscribeClaim> check_unsubscribe_token(Context& ctx, UnitOfWork& work, const std::string& token);

}  // namespace memberd::email_service
