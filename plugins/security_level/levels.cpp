#include "levels.hpp"

namespace memberd::security_level {

namespace {

std::string days(std::chrono::seconds span) { return std::to_string(span.count() / 86400); }

}  // namespace

Assessment assess(const Evidence& e, const Settings& s) {
  Assessment a;
  auto add = [&](std::string id, bool ok, std::string advice, bool warning = false) {
    a.checks.push_back({std::move(id), ok, ok ? std::string() : std::move(advice), warning && !ok});
  };
  add("security_question", e.facts.question_set,
      "Set a security question: it protects changes to your email address and password.");
  add("email_confirmed", e.facts.email_confirmed,
      "Confirm your email address: open the link we mailed to it, or have a new one sent from this page.");
  std::int64_t password_since = std::max(e.facts.password_set_at, e.member_since);
  add("password_age", e.now - password_since <= s.password_max_age.count(),
      "Your password is more than " + days(s.password_max_age) + " days old: change it.");
  const SignInRecord* anonymous = nullptr;
  const SignInRecord* moved = nullptr;
  for (const auto& r : e.recent_successes) {
    if (!anonymous && r.location.anonymity.anonymous) anonymous = &r;
    // Through an anonymous proxy is its own warning: not said twice.
    if (!moved && r.new_location && !r.location.anonymity.anonymous) moved = &r;
  }
  add("no_anonymous_sign_in", anonymous == nullptr,
      "A sign-in in the last " + days(s.recent) +
          " days came through an anonymous proxy. If it was not you, change your password immediately.",
      true);
  add("no_new_location", moved == nullptr,
      "A sign-in in the last " + days(s.recent) + " days came from a new location" +
          (moved ? " (" + moved->location.label + ")" : std::string()) +
          ". If it was not you, change your password immediately.",
      true);
  add("few_failed_attempts", e.recent_failures <= s.recent_failures_allowed,
      std::to_string(e.recent_failures) + " failed sign-in attempts in the last " + days(s.recent) +
          " days. If they were not yours, change your password.",
      true);
  auto suggest = [&](std::string id, bool ok, std::string advice) {
    a.checks.push_back({std::move(id), ok, ok ? std::string() : std::move(advice), false, true});
  };
  suggest("two_step", e.facts.two_step,
          "Turn on two-step verification: then a stolen password alone cannot open your account.");
  if (e.facts.two_step)
    suggest("passkey", e.facts.passkeys > 0,
            "Add a passkey: it signs you in with your fingerprint or screen lock and cannot be given to a fake site.");
  int failing = 0;
  bool warned = false;
  for (const auto& c : a.checks) {
    failing += !c.ok && !c.suggestion;
    warned = warned || c.warning;
  }
  a.level = failing == 0 ? (e.facts.two_step ? "very_high" : "high") : (warned || failing >= 2) ? "low" : "medium";
  return a;
}

}  // namespace memberd::security_level
