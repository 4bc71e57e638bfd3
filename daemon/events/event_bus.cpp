#include "events/event_bus.hpp"
#include "storage/error_text.hpp"

#include "log/logger.hpp"
#include "util/time_format.hpp"

#include <nlohmann/json.hpp>
#include "storage/row_values.hpp"

#include "storage/database.hpp"
#include "storage/pooled_unit.hpp"
#include "storage/change_feed.hpp"
#include "storage/service_boundary.hpp"
#include "storage/unit_sql.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace memberd {

namespace {
// Woken by every publish, the thread looks on its own only as a safety net;
// soon when a delivery must be tried again or wakes may be missed.
constexpr auto kIdleInterval = std::chrono::milliseconds(300000);
constexpr auto kRetryInterval = std::chrono::milliseconds(500);
constexpr std::string_view kAppended = "events.appended";
}  // namespace

EventBus::EventBus(ConnectionPool& database, ChangeFeed& changes, const Clock& clock, LogSink& log)
    : database_(database), changes_(changes), clock_(clock), log_(log) {
  subscription_ = changes_.subscribe(std::string(kAppended), [this](std::string_view) { notify(); });
}

EventBus::~EventBus() {
  stop();
  changes_.unsubscribe(subscription_);
}

Result<void> EventBus::publish(UnitOfWork& work, std::string_view type, const nlohmann::json& payload) {
  return service_call(log_, "Events::publish", work, [&]() -> Result<void> {
    // Payloads carry client text (user agents): never let a bad byte throw here.
    std::string t(type), text = payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string member;
    if (payload.is_object())
      if (auto named = payload.find("member_id"); named != payload.end() && named->is_string()) member = *named;
    return append(work, t, text, member);
  });
}

Result<void> EventBus::publish_text(UnitOfWork& work, std::string_view type, const std::string& payload_json,
                                    const std::string& member_id) {
  return service_call(log_, "Events::publish", work,
                      [&] { return append(work, std::string(type), payload_json, member_id); });
}

Result<void> EventBus::append(UnitOfWork& work, const std::string& t, const std::string& payload,
                              const std::string& member) {
  long long now = to_unix(clock_.now());
  // A member id is at most 36 of [0-9a-f-]; anything else names no member
  // this column could find (nor may reach PostgreSQL as bad UTF-8).
  bool an_id = !member.empty() && member.size() <= 36 &&
               member.find_first_not_of("0123456789abcdef-") == std::string::npos;
  soci::indicator member_ind = an_id ? soci::i_ok : soci::i_null;
  auto written = atomically(work, [&](soci::session& sql) -> Result<void> {
    // On PostgreSQL, ids come from a sequence and transactions may commit out
    // of order, which would let a cursor skip a late commit. Publishers
    // therefore serialize on an advisory lock held until their commit.
    if (work.backend() == Backend::postgresql) sql << "SELECT pg_advisory_xact_lock(727275)";
    sql << "INSERT INTO events (type, payload, occurred_at, member_id) VALUES (:t, :p, :o, :m)", soci::use(t),
        soci::use(payload), soci::use(now), soci::use(member, member_ind);
    // Every daemon's delivery thread wakes at the commit (this one's too).
    return changes_.announce(work, kAppended, "new");
  });
  return written;
}

void EventBus::subscribe(std::shared_ptr<const void> owner, std::string component, std::string subscriber,
                         std::vector<std::string> types, EventHandler handler) {
  for (const auto& type : types)
    if (type.empty() || type.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._") != std::string::npos)
      throw std::invalid_argument("event type names use [a-z0-9._]: " + type);
  auto sub = std::make_shared<Subscription>();
  sub->owner = std::move(owner);
  sub->component = std::move(component);
  sub->subscriber = std::move(subscriber);
  sub->types = std::move(types);
  sub->handler = std::move(handler);
  std::lock_guard lock(mutex_);
  subscriptions_.push_back(std::move(sub));
}

void EventBus::activate(const void* owner) {
  {
    std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    for (auto& s : subscriptions_)
      if (s->owner.get() == owner) names.push_back(s->subscriber);
    std::erase_if(subscriptions_, [&](const auto& s) {
      return s->owner.get() != owner && std::find(names.begin(), names.end(), s->subscriber) != names.end();
    });
    for (auto& s : subscriptions_)
      if (s->owner.get() == owner) s->active = true;
  }
  loop_.wake();
}

void EventBus::remove(const void* owner) {
  std::vector<std::shared_ptr<Subscription>> removed;
  {
    std::lock_guard lock(mutex_);
    for (auto& s : subscriptions_)
      if (s->owner.get() == owner) removed.push_back(s);
    std::erase_if(subscriptions_, [&](const auto& s) { return s->owner.get() == owner; });
  }
  // A delivery to this owner may be running right now; let it end before the
  // caller unloads the code it runs.
  std::lock_guard wait(delivering_);
  removed.clear();
}

void EventBus::start() {
  loop_.start([this] { return changes_.live() && !retry_soon_ ? kIdleInterval : kRetryInterval; },
              [this] { deliver_pending(); });
}

void EventBus::stop() { loop_.stop(); }

void EventBus::notify() { loop_.wake(); }

void EventBus::deliver_pending() {
  retry_soon_ = false;
  std::vector<std::shared_ptr<Subscription>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& s : subscriptions_)
      if (s->active) live.push_back(s);
  }
  for (auto& sub : live) {
    try {
      while (deliver_next(*sub))
        if (loop_.stopping()) return;
    } catch (const std::exception& e) {
      retry_soon_ = true;
      log_.write(LogLevel::warn, sub->component, "event delivery paused",
                 {{"subscriber", sub->subscriber}, {"error", describe_error(e)}});
    }
  }
}

bool EventBus::deliver_next(const Subscription& sub) {
  std::lock_guard running(delivering_);
  {
    // Removed while we were getting here: deliver nothing more to it.
    std::lock_guard lock(mutex_);
    if (std::none_of(subscriptions_.begin(), subscriptions_.end(),
                     [&](const auto& s) { return s.get() == &sub; }))
      return false;
  }
  // One event per transaction, on one connection: the cursor's row is locked
  // (PostgreSQL: FOR UPDATE, so several daemons take turns; SQLite: the write
  // lock), the handler's writes join the transaction, and the cursor moves
  // in the same commit. A handler's effects in the database therefore happen
  // exactly once; only effects outside it can repeat.
  PooledUnit unit(database_, sub.component);
  auto begun = unit.begin();
  // An outage: the pool's tracker counted and logged it; the next poll tries again.
  if (!begun && begun.failure().refusal == Refusal::unavailable) {
    retry_soon_ = true;
    return false;
  }
  if (!begun) throw DatabaseBusy();
  try {
    return deliver_in(unit, sub);
  } catch (const std::exception& e) {
    if (unit.note_failure(e) != DatabaseFault::none) {
      retry_soon_ = true;
      return false;
    }
    throw;
  }
}

namespace {

// Whether an event about a member may reach a subscriber: not once their
// account is gone, nor while it is being erased (members.erasing_since,
// api/account_closure.cpp): a handler would write back what the erasure
// removes (issue 32). An event that names no member always may. The row
// stays locked until the delivery commits (PostgreSQL: FOR KEY SHARE, which
// holds back the closure's FOR UPDATE but no ordinary change of the row;
// on SQLite the writer's lock), so the closure's mark waits for it.
bool member_still_here(soci::session& sql, bool postgres, std::string member, const std::string& payload) {
  if (member.empty()) {
    // An event from before events.member_id (migration 017) says it only in
    // its payload.
    auto body = nlohmann::json::parse(payload, nullptr, false);
    if (!body.is_object()) return true;
    auto named = body.find("member_id");
    if (named == body.end() || !named->is_string()) return true;
    member = named->get<std::string>();
    if (member.empty()) return true;
  }
  long long erasing = 0;
  soci::indicator erasing_ind = soci::i_null;
  sql << (postgres ? "SELECT COALESCE(erasing_since, 0) FROM members WHERE member_id = :m FOR KEY SHARE"
                   : "SELECT COALESCE(erasing_since, 0) FROM members WHERE member_id = :m"),
      soci::use(member), soci::into(erasing, erasing_ind);
  return sql.got_data() && erasing_ind == soci::i_ok && erasing == 0;
}

}  // namespace

bool EventBus::deliver_in(PooledUnit& unit, const Subscription& sub) {
  auto& sql = **unit.connection();
  const bool postgres = database_.backend() == Backend::postgresql;
  long long now = to_unix(clock_.now());
  std::string name = sub.subscriber;
  sql << "INSERT INTO event_cursors (subscriber, last_id, updated_at) VALUES (:s, 0, :n)"
         " ON CONFLICT (subscriber) DO NOTHING",
      soci::use(name), soci::use(now);
  long long cursor = 0;
  sql << (postgres ? "SELECT last_id FROM event_cursors WHERE subscriber = :s FOR UPDATE"
                   : "SELECT last_id FROM event_cursors WHERE subscriber = :s"),
      soci::use(name), soci::into(cursor);

  std::string in_list;
  for (const auto& type : sub.types) in_list += (in_list.empty() ? "'" : ",'") + type + "'";
  Event event{};
  soci::indicator found = soci::i_null;
  std::string occurred, member;
  soci::indicator member_ind = soci::i_null;
  long long id = 0, occurred_at = 0;
  sql << "SELECT id, type, payload, occurred_at, member_id FROM events WHERE id > :c AND type IN (" + in_list +
             ") ORDER BY id LIMIT 1",
      soci::use(cursor), soci::into(id, found), soci::into(event.type), soci::into(event.payload),
      soci::into(occurred_at), soci::into(member, member_ind);
  if (member_ind != soci::i_ok) member.clear();
  if (!sql.got_data() || found != soci::i_ok) {
    unit.rollback();
    return false;
  }
  event.id = id;
  event.occurred_at = format_rfc3339(from_unix(occurred_at));

  std::string failure;
  bool outage = false;
  try {
    auto handled = member_still_here(sql, postgres, member, event.payload) ? sub.handler(event, unit) : Result<void>{};
    if (!handled) failure = handled.failure().detail.empty() ? "the handler refused the event" : handled.failure().detail;
    outage = !handled && handled.failure().refusal == Refusal::unavailable;
  } catch (const std::exception& e) {
    failure = describe_error(e);
    outage = unit.note_failure(e) != DatabaseFault::none;
  } catch (...) {
    failure = describe_current_exception();
  }
  // The database failed under the handler: offered again at the next poll,
  // without a line per poll (the pool's tracker logs the outage once).
  if (outage) {
    unit.rollback();
    retry_soon_ = true;
    return false;
  }
  if (!failure.empty() || !unit.in_transaction()) {
    // The same event is offered again at the next poll.
    unit.rollback();
    if (failure.empty()) failure = "the handler ended the delivery's transaction";
    log_.write(LogLevel::warn, sub.component, "event handler failed; will retry",
               {{"subscriber", name}, {"event_id", std::to_string(event.id)}, {"error", failure}});
    retry_soon_ = true;
    return false;
  }
  sql << "UPDATE event_cursors SET last_id = :l, updated_at = :n WHERE subscriber = :s", soci::use(event.id),
      soci::use(now), soci::use(name);
  if (auto committed = unit.commit(); !committed) {
    retry_soon_ = true;
    if (committed.failure().refusal == Refusal::unavailable) return false;
    throw DatabaseBusy();
  }
  return true;
}

Result<int> EventBus::purge(UnitOfWork& work, TimePoint before, int batch) {
  auto connection = work.connection();
  if (!connection) return connection.failure();
  long long cutoff = to_unix(before);
  soci::statement st = ((*connection)->prepare << "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE "
                                                  "occurred_at < :c ORDER BY occurred_at LIMIT :b)",
                        soci::use(cutoff), soci::use(batch));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

}  // namespace memberd
