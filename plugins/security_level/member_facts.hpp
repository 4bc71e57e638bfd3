#pragma once
// Per member, what the security level is judged on, kept from the
// credentials plugin's events (the plugins share no tables).
#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <cstdint>
#include <string>

namespace memberd::security_level {

struct MemberFacts {
  bool question_set = false;
  bool email_confirmed = false;
  std::int64_t password_set_at = 0;  // 0: not known (joined before this plugin saw events)
  std::string time_zone;             // the member's, from an approved profile; empty: not known
  bool two_step = false;             // two-step verification is on (the two_step plugin's events)
  int passkeys = 0;                  // how many passkeys they have
};

// DB: reads. Fails: busy. A member no event named yet has all-false facts.
Result<MemberFacts> member_facts(UnitOfWork& work, const std::string& member_id);

enum class Fact {
  question_set,
  question_removed,  // an admin removed it (its owner lost the answer), or a reclaimed account's went
  email_confirmed,
  email_unconfirmed,
  password_set,
  two_step_on,
  two_step_off,  // and every passkey with it
  passkey_added,
  passkey_removed,
};
// Records one fact at `at`. DB: writes. Fails: busy.
Result<void> record_fact(UnitOfWork& work, const std::string& member_id, Fact fact, std::int64_t at);
// Records the member's time zone (an IANA name, or empty to forget it).
// DB: writes. Fails: busy.
Result<void> record_time_zone(UnitOfWork& work, const std::string& member_id, const std::string& time_zone);

}  // namespace memberd::security_level
