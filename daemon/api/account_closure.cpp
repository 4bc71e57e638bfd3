#include "api/account_closure.hpp"

#include "api/core_services.hpp"
#include "auth/accounts_service.hpp"
#include "auth/member_standing.hpp"
#include "auth/sign_in_guard.hpp"
#include "events/event_bus.hpp"
#include "log/logger.hpp"
#include "mail/outbox.hpp"
#include "plugin_host/plugin_host.hpp"
#include "storage/database_fault.hpp"
#include "util/sql_like.hpp"
#include "util/time_format.hpp"

#include <memberd/member_data.hpp>
#include <memberd/wording.hpp>
#include <soci/soci.h>

#include <set>
#include <vector>

namespace memberd {

namespace {

// The closing day of the member's account as stored, or nullopt. On
// PostgreSQL inside a transaction the row stays locked (FOR UPDATE), so a
// schedule and a cancel take turns.
std::optional<long long> stored_closes_at(UnitOfWork& work, soci::session& sql, const std::string& member_id,
                                          bool lock) {
  long long at = 0;
  soci::indicator ind = soci::i_null;
  std::string found;
  sql << (lock && work.backend() == Backend::postgresql
              ? "SELECT member_id, closes_at FROM members WHERE member_id = :m FOR UPDATE"
              : "SELECT member_id, closes_at FROM members WHERE member_id = :m"),
      soci::use(member_id), soci::into(found), soci::into(at, ind);
  if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
  return at;
}

Failure no_such_member() { return Failure{Refusal::not_found, {}, "There is no such member."}; }

}  // namespace

Result<TimePoint> AccountClosure::schedule(UnitOfWork& work, const Member& member, const std::string& by,
                                           const std::function<Result<void>()>& also) {
  auto tx = WriteTransaction::open(work);
  if (!tx) return tx.failure();
  auto sql = work.connection();
  if (!sql) return sql.failure();
  auto closes = stored_closes_at(work, **sql, member.member_id, true);
  long long at = closes ? *closes : to_unix(core_.clock.now() + grace_);
  if (!closes) {
    // The console must keep an admin: the only one left may not go.
    if (auto kept = refuse_last_admin(work, member.member_id); !kept) return kept.failure();
    soci::statement set = ((*sql)->prepare << "UPDATE members SET closes_at = :c WHERE member_id = :m",
                           soci::use(at), soci::use(member.member_id));
    set.execute(true);
    if (set.get_affected_rows() == 0) return no_such_member();
  }
  // Whoever holds a session of the account now is signed out: signing in
  // again is how the owner keeps it.
  if (auto ended = core_.accounts.revoke_sessions(work, member.member_id, ""); !ended) return ended.failure();
  if (!closes) {
    MailMessage mail{member.email, "Your account will be closed on " + time_for_people(at),
                     "You asked us to close your account.\n\n"
                     "It will be closed on " + time_for_people(at) + ". Then your account and the data we keep "
                     "about it are erased: your profile, photo, sign-in history and email choices. This cannot be "
                     "undone.\n\n"
                     "Changed your mind? Sign in before then and choose \"Keep my account\".\n\n"
                     "If you did not ask for this, sign in now, keep your account and change your password.\n"};
    if (auto mailed = core_.mail.enqueue(work, mail); !mailed) return mailed.failure();
    if (auto told = core_.events.publish(work, "member.closure_requested",
                                         {{"member_id", member.member_id},
                                          {"closes_at", format_rfc3339(from_unix(at))},
                                          {"by", by}});
        !told)
      return told.failure();
  }
  if (also)
    if (auto done = also(); !done) return done.failure();
  if (auto done = tx->commit(); !done) return done.failure();
  return from_unix(at);
}

Result<bool> AccountClosure::cancel(UnitOfWork& work, const Member& member) {
  auto tx = WriteTransaction::open(work);
  if (!tx) return tx.failure();
  auto sql = work.connection();
  if (!sql) return sql.failure();
  auto closes = stored_closes_at(work, **sql, member.member_id, true);
  if (!closes) return false;
  // Once the day has come the erasure may have begun: no going back.
  if (*closes <= to_unix(core_.clock.now()))
    return Failure{Refusal::conflict, {}, "Your account is being closed now; it can no longer be kept."};
  **sql << "UPDATE members SET closes_at = NULL WHERE member_id = :m", soci::use(member.member_id);
  MailMessage mail{member.email, "Your account stays open",
                   "You chose to keep your account: it will not be closed.\n\n"
                   "If this was not you, change your password now.\n"};
  if (auto mailed = core_.mail.enqueue(work, mail); !mailed) return mailed.failure();
  if (auto told = core_.events.publish(work, "member.closure_cancelled", {{"member_id", member.member_id}}); !told)
    return told.failure();
  if (auto done = tx->commit(); !done) return done.failure();
  return true;
}

Result<std::optional<TimePoint>> AccountClosure::closes_at(UnitOfWork& work, std::string_view member_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  auto at = stored_closes_at(work, **sql, std::string(member_id), false);
  if (!at) return std::optional<TimePoint>{};
  return std::optional<TimePoint>{from_unix(*at)};
}

Result<int> AccountClosure::close_due(const std::function<std::unique_ptr<UnitOfWork>()>& open_unit,
                                      std::chrono::steady_clock::duration budget) {
  const auto started = std::chrono::steady_clock::now(), deadline = started + budget;
  int closed = 0;
  bool checked_plugins = false;
  while (std::chrono::steady_clock::now() < deadline) {
    auto due = list_due(open_unit, started);
    if (!due) return due.failure();
    if (due->empty()) break;
    // Every enabled plugin must be serving: one that is not could not
    // erase its part, and the member would be gone with it left behind.
    if (!checked_plugins) {
      for (const auto& part : core_.plugins.member_data())
        if (!part.serving)
          return Failure{Refusal::unavailable, std::chrono::seconds{60},
                         "closing accounts waits: the plugin " + part.plugin + " is not serving"};
      checked_plugins = true;
    }
    for (const auto& member_id : *due) {
      if (std::chrono::steady_clock::now() >= deadline) return closed;
      auto unit = open_unit();
      auto done = close(*unit, member_id);
      if (done && *done) ++closed;
      if (done) continue;
      // An outage stops the round; anything else stops this member only
      // (logged), which is tried again later while the others go on.
      if (done.failure().refusal == Refusal::busy || done.failure().refusal == Refusal::unavailable)
        return done.failure();
      core_.log.write(LogLevel::error, "accounts", "closing an account failed; it is tried again in 10 minutes",
                      {{"member_id", member_id}, {"error", done.failure().detail}});
      std::lock_guard lock(retry_mutex_);
      retry_after_[member_id] = std::chrono::steady_clock::now() + std::chrono::minutes(10);
    }
  }
  return closed;
}

Result<std::vector<std::string>> AccountClosure::list_due(
    const std::function<std::unique_ptr<UnitOfWork>()>& open_unit, std::chrono::steady_clock::time_point now_steady) {
  std::set<std::string> waiting;
  {
    std::lock_guard lock(retry_mutex_);
    for (auto it = retry_after_.begin(); it != retry_after_.end();)
      if (it->second <= now_steady) it = retry_after_.erase(it);
      else waiting.insert((it++)->first);
  }
  auto unit = open_unit();
  auto sql = unit->connection();
  if (!sql) return sql.failure();
  long long now = to_unix(core_.clock.now());
  int limit = 20 + static_cast<int>(waiting.size());
  std::string id;
  std::vector<std::string> due;
  soci::statement st = ((*sql)->prepare << "SELECT member_id FROM members WHERE closes_at IS NOT NULL"
                                           " AND closes_at <= :n ORDER BY closes_at, member_id LIMIT :l",
                        soci::use(now), soci::use(limit), soci::into(id));
  st.execute();
  while (st.fetch())
    if (!waiting.count(id)) due.push_back(id);
  return due;
}

Result<bool> AccountClosure::close(UnitOfWork& work, const std::string& member_id) {
  auto member = core_.accounts.find_by_id(work, member_id);
  if (!member && member.failure().refusal == Refusal::not_found) return false;  // closed meanwhile
  if (!member) return member.failure();
  // Nobody acts for the member while their data goes: no session is left
  // (and none opens: refuse_if_disabled refuses an account whose day has
  // come; a closure that is due can no longer be cancelled).
  if (auto ended = core_.accounts.revoke_sessions(work, member_id, ""); !ended) return ended.failure();
  // Nor does an event about them reach a plugin from here on (the bus skips
  // them), once the deliveries in flight for them have committed: their
  // rows are written before the plugins erase, never after.
  if (auto marked = mark_erasing(work, member_id); !marked) return marked.failure();
  for (const auto& part : core_.plugins.member_data()) {
    if (!part.serving)
      return Failure{Refusal::unavailable, std::chrono::seconds{60}, "the plugin " + part.plugin + " is not serving"};
    if (!part.provider) continue;  // keeps nothing of members, or does not say
    Result<void> erased = Failure{Refusal::internal, {}, "the plugin " + part.plugin + "'s erasure threw"};
    try {
      erased = part.provider->erase_member(work, member_id);
    } catch (const std::exception& e) {
      // A database that failed is the tick's to count as an outage.
      if (classify_database_error(e) != DatabaseFault::none) throw;
      erased = Failure{Refusal::internal, {}, "the plugin " + part.plugin + "'s erasure threw: " + e.what()};
    }
    // A provider that left its transaction open committed nothing: it is
    // rolled back, and the closure waits for the next round.
    if (work.in_transaction()) {
      work.rollback();
      if (erased) erased = Failure{Refusal::internal, {}, "the plugin " + part.plugin + " left its erasure uncommitted"};
    }
    if (!erased) return erased.failure();
  }
  return erase_core_part(work, member_id, member->email);
}

Result<void> AccountClosure::mark_erasing(UnitOfWork& work, const std::string& member_id) {
  auto tx = WriteTransaction::open(work);
  if (!tx) return tx.failure();
  auto sql = work.connection();
  if (!sql) return sql.failure();
  long long now = to_unix(core_.clock.now());
  // On PostgreSQL FOR UPDATE waits for every delivery holding the row FOR
  // KEY SHARE (events/event_bus.cpp); on SQLite the writer's lock orders them.
  if (work.backend() == Backend::postgresql) {
    std::string locked;
    **sql << "SELECT member_id FROM members WHERE member_id = :m FOR UPDATE", soci::use(member_id), soci::into(locked);
  }
  **sql << "UPDATE members SET erasing_since = COALESCE(erasing_since, :n) WHERE member_id = :m", soci::use(now),
      soci::use(member_id);
  return tx->commit();
}

Result<bool> AccountClosure::erase_core_part(UnitOfWork& work, const std::string& member_id,
                                             const std::string& email) {
  auto tx = WriteTransaction::open(work);
  if (!tx) return tx.failure();
  auto sql = work.connection();
  if (!sql) return sql.failure();
  auto& s = **sql;
  // Still due? A sign-in may have kept the account since it was listed.
  auto closes = stored_closes_at(work, s, member_id, true);
  if (!closes || *closes > to_unix(core_.clock.now())) return false;
  s << "DELETE FROM review_history WHERE revision_id IN (SELECT revision_id FROM review_items WHERE member_id = :m)",
      soci::use(member_id);
  for (const char* table : {"review_items", "sessions", "roles", "trusted_devices", "second_step_members",
                            "sign_in_challenges", "member_exports"})
    s << "DELETE FROM " << table << " WHERE member_id = :m", soci::use(member_id);
  // The mail kept for them, and the durable events that name them.
  s << "DELETE FROM mail_outbox WHERE recipient = :e", soci::use(email);
  // By the member each names (events.member_id, indexed); events from
  // before that column, and those naming them elsewhere, by their text.
  s << "DELETE FROM events WHERE member_id = :m", soci::use(member_id);
  const std::string quoted = "%\"" + like_literal(member_id) + "\"%";
  s << "DELETE FROM events WHERE member_id IS NULL AND payload LIKE :q ESCAPE '\\'", soci::use(quoted);
  // Counters keyed by them: "<what>:<member id>" (rate limits, answer
  // budgets) and the account's lock, by its exact key (another address
  // that merely ends the same must keep its own).
  const std::string keyed_by_id = "%:" + like_literal(member_id);
  s << "DELETE FROM rate_limits WHERE bucket LIKE :k ESCAPE '\\'", soci::use(keyed_by_id);
  const std::string lock_key = account_attempts_key(email);
  s << "DELETE FROM attempt_limits WHERE limit_key = :a OR limit_key LIKE :k ESCAPE '\\'", soci::use(lock_key),
      soci::use(keyed_by_id);
  s << "DELETE FROM members WHERE member_id = :m", soci::use(member_id);
  if (auto forgotten = core_.sessions.member_changed(work, member_id); !forgotten) return forgotten.failure();
  MailMessage mail{email, "Your account is closed",
                   "Your account is closed, and the data we kept about it is erased. We keep only a record of "
                   "what our staff did on your account, for as long as we may have to.\n\n"
                   "Thank you for having been a member. You are welcome to join again at any time.\n"};
  if (auto mailed = core_.mail.enqueue(work, mail); !mailed) return mailed.failure();
  if (auto done = tx->commit(); !done) return done.failure();
  core_.log.write(LogLevel::info, "accounts", "account closed", {{"member_id", member_id}});
  return true;
}

}  // namespace memberd
