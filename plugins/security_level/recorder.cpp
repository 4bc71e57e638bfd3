// From events to records: every sign-in the credentials plugin and the
// console publish, with its place, and the member facts the level reads.
// Handlers run in the delivery's transaction: a record and the cursor's
// advance commit together, so a hot swap or a restart loses none and a
// redelivery (at least once) is recognised by its event id.
#include "context.hpp"
#include "local_time.hpp"
#include "member_facts.hpp"
#include "records.hpp"

#include <memberd/json.hpp>
#include <memberd/text.hpp>
#include <memberd/wording.hpp>

#include <algorithm>

namespace memberd::security_level {

namespace {

constexpr std::size_t kMaxUserAgentBytes = 512;

std::string text_of(const nlohmann::json& payload, const char* key) {
  auto it = payload.find(key);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<void> mail_new_location(Context& ctx, UnitOfWork& work, const SignInRecord& r) {
  auto member = ctx.host.accounts().find_by_id(work, r.member_id);
  if (!member) return member.failure().refusal == Refusal::not_found ? Result<void>{} : Result<void>(member.failure());
  std::string when = time_for_people(r.at);
  if (auto local = local_text(r.at, r.location.time_zone)) when += " (" + *local + " where you signed in)";
  // And on the member's own clock, when their profile names a zone.
  auto facts = member_facts(work, r.member_id);
  if (!facts) return facts.failure();
  if (!facts->time_zone.empty() && facts->time_zone != r.location.time_zone)
    if (auto own = local_text(r.at, facts->time_zone)) when += "; " + *own + " your time";
  std::string anonymous_note =
      r.location.anonymity.anonymous
          ? "Anonymous Proxy means the sign-in came through an anonymous proxy server (a VPN, a public proxy or "
            "Tor), which hides where it really came from.\n"
          : "";
  // mail/new-sign-in.txt and .html, or the operator's copies.
  return ctx.host.mail().enqueue_template(
      work, member->email, "new-sign-in",
      {{"time", when},
       {"ip", r.ip},
       {"location", r.location.label},
       {"device", r.user_agent.empty() ? std::string("unknown") : r.user_agent},
       {"whois_url", whois_url(ctx.settings.whois_url, r.ip)},
       {"change_password_url", ctx.host.public_url() + "/account/#/credentials/change-password"},
       {"anonymous_note", anonymous_note}});
}

Result<void> record_sign_in(Context& ctx, const Event& event, const nlohmann::json& payload, UnitOfWork& work) {
  SignInRecord r;
  r.event_id = event.id;
  r.member_id = text_of(payload, "member_id");
  r.session_id = text_of(payload, "session_id");
  r.at = parse_rfc3339_utc(event.occurred_at).value_or(ctx.host.clock().unix_now());
  r.ip = text_of(payload, "ip");
  if (r.ip.size() > 45) r.ip.resize(45);  // the host gives an address; never store more than one
  r.outcome = event.type == "session.created" ? "success" : "failure";
  if (r.outcome == "failure") {
    // What the failure was a guess at, as its publisher says; events from
    // before `kind` existed (and any word we do not know) were sign-ins.
    std::string kind = text_of(payload, "kind");
    r.kind = kind == "in_session" || kind == "mailed_link" ? kind : "sign_in";
    r.what = text_of(payload, "what");
    if (r.what.size() > 32 || !std::all_of(r.what.begin(), r.what.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || c == '_';
        }))
      r.what.clear();
  }
  r.user_agent = valid_utf8(text_of(payload, "user_agent"), kMaxUserAgentBytes);
  r.location = ctx.host.geo().locate(r.ip);
  if (r.outcome == "success" && !r.member_id.empty()) {
    auto fresh = is_new_location(work, r.member_id, r.location, ctx.settings.new_location_window);
    if (!fresh) return fresh.failure();
    r.new_location = *fresh;
  }
  auto stored = store_record(work, r);
  if (!stored) return stored.failure();
  if (*stored && r.new_location && ctx.settings.mail_new_location) return mail_new_location(ctx, work, r);
  return {};
}

}  // namespace

void subscribe_to_events(Context& ctx) {
  ctx.host.events().subscribe(
      "security_level.events",
      {"session.created", "signin.failed", "member.created", "security_question.set", "security_question.cleared",
       "email.changed",
       "password.changed", "password.reset", "profile.published", "email.confirmed", "two_step.enabled",
       "two_step.disabled", "two_step.passkey_added", "two_step.passkey_removed"},
      [&ctx](const Event& event, UnitOfWork& work) -> Result<void> {
        auto payload = nlohmann::json::parse(event.payload, nullptr, false);
        if (!payload.is_object()) return {};  // nothing a sign-in record can come from
        if (event.type == "session.created" || event.type == "signin.failed")
          return record_sign_in(ctx, event, payload, work);
        std::string member_id = text_of(payload, "member_id");
        if (member_id.empty()) return {};
        auto at = parse_rfc3339_utc(event.occurred_at).value_or(ctx.host.clock().unix_now());
        if (event.type == "security_question.set") return record_fact(work, member_id, Fact::question_set, at);
        if (event.type == "security_question.cleared") return record_fact(work, member_id, Fact::question_removed, at);
        // The two_step plugin's: what protects the account beyond the password.
        if (event.type == "two_step.enabled") return record_fact(work, member_id, Fact::two_step_on, at);
        if (event.type == "two_step.disabled") return record_fact(work, member_id, Fact::two_step_off, at);
        if (event.type == "two_step.passkey_added") return record_fact(work, member_id, Fact::passkey_added, at);
        if (event.type == "two_step.passkey_removed") return record_fact(work, member_id, Fact::passkey_removed, at);
        // The address a member joined with, proven by a mailed link or a reset.
        if (event.type == "email.confirmed") return record_fact(work, member_id, Fact::email_confirmed, at);
        if (event.type == "profile.published") {
          // Only a zone ICU knows (the profile plugin checked it too): the
          // pages and mails show local times in it.
          std::string zone = text_of(payload, "time_zone");
          if (!zone.empty() && !local_text(at, zone)) zone.clear();
          return record_time_zone(work, member_id, zone);
        }
        if (event.type == "email.changed") {
          auto verified = payload.find("verified");
          bool confirmed = verified != payload.end() && verified->is_boolean() && verified->get<bool>();
          return record_fact(work, member_id, confirmed ? Fact::email_confirmed : Fact::email_unconfirmed, at);
        }
        return record_fact(work, member_id, Fact::password_set, at);  // joined, changed, reset
      });
}

}  // namespace memberd::security_level
