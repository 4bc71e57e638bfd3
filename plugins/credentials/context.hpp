#pragma once
// What every flow of the plugin shares, built once in start().
#include "common_passwords.hpp"
#include "password_policy.hpp"
#include "settings.hpp"
#include "tokens.hpp"

#include <memberd/host.hpp>

#include <memory>

namespace memberd::credentials {

struct Context {
  Host& host;
  Settings settings;
  std::unique_ptr<CommonPasswords> common;
  PasswordPolicy policy;
  // Wrong passwords and answers per account (RateLimits, keyed by the
  // normalised email so an address nobody owns locks exactly like a real one).
  AttemptPolicy account_attempts;
  Tokens tokens;

  Context(Host& h, Settings s)
      : host(h),
        settings(std::move(s)),
        common(std::make_unique<CommonPasswords>(settings.common_passwords_file)),
        policy{settings.password_min_length, 256, common.get()},
        account_attempts{settings.lock_after_failures, settings.lock_durations},
        tokens(h.secrets(), h.clock()) {}
};

}  // namespace memberd::credentials
