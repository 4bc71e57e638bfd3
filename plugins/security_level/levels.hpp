#pragma once
// The security level: checks, each with advice, and the level they make.
#include "member_facts.hpp"
#include "records.hpp"
#include "settings.hpp"

#include <string>
#include <vector>

namespace memberd::security_level {

struct Check {
  std::string id;
  bool ok = false;
  std::string advice;  // what to do, in a member's words ("" when ok)
  bool warning = false;  // a sign that someone else may be using the account
  bool suggestion = false;  // advice that does not lower the level (two-step verification)
};

struct Assessment {
  std::string level;  // "low" | "medium" | "high" | "very_high"
  std::vector<Check> checks;
};

struct Evidence {
  MemberFacts facts;
  std::int64_t member_since = 0;            // Unix seconds
  std::vector<SignInRecord> recent_successes;  // within settings.recent, newest first
  int recent_failures = 0;                  // within settings.recent
  std::int64_t now = 0;
};

// very_high: every check ok and two-step verification on; high: every
// check ok; low: a warning (an anonymous proxy, a new location, failed
// attempts) or two checks failing; medium: one check failing. The two-step
// suggestions (turn it on; add a passkey) never lower a level.
Assessment assess(const Evidence& evidence, const Settings& settings);

}  // namespace memberd::security_level
