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
};

// DB: reads. Fails: busy. A member no event named yet has all-false facts.
Result<MemberFacts> member_facts(UnitOfWork& work, const std::string& member_id);

enum class Fact { question_set, email_confirmed, email_unconfirmed, password_set };
// Records one fact at `at`. DB: writes. Fails: busy.
Result<void> record_fact(UnitOfWork& work, const std::string& member_id, Fact fact, std::int64_t at);
// Records the member's time zone (an IANA name, or empty to forget it).
// DB: writes. Fails: busy.
Result<void> record_time_zone(UnitOfWork& work, const std::string& member_id, const std::string& time_zone);

}  // namespace memberd::security_level
