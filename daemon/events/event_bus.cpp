#include "events/event_bus.hpp"
#include "storage/error_text.hpp"

#include "log/logger.hpp"
#include "util/time_format.hpp"

#include <nlohmann/json.hpp>
#include "storage/row_values.hpp"

#include <memberd/database.hpp>
#include <soci/soci.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace memberd {

namespace {
constexpr int kBatch = 100;
constexpr auto kPollInterval = std::chrono::milliseconds(500);
}  // namespace

EventBus::EventBus(Database& database, const Clock& clock, LogSink& log)
    : database_(database), clock_(clock), log_(log) {}

EventBus::~EventBus() { stop(); }

void EventBus::publish(soci::session& tx, std::string_view type, const nlohmann::json& payload) {
  // Payloads carry client text (user agents): never let a bad byte throw here.
  publish_text(tx, type, payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void EventBus::publish_text(soci::session& tx, std::string_view type, const std::string& payload_json) {
  std::string t(type), payload = payload_json;
  long long now = to_unix(clock_.now());
  // On PostgreSQL, ids come from a sequence and transactions may commit out of
  // order, which would let a cursor skip a late commit. Publishers therefore
  // serialize on an advisory lock held until their commit.
  if (database_.backend() == Backend::postgresql) tx << "SELECT pg_advisory_xact_lock(727275)";
  tx << "INSERT INTO events (type, payload, occurred_at) VALUES (:t, :p, :o)", soci::use(t), soci::use(payload),
      soci::use(now);
  notify();
}

void EventBus::subscribe(std::shared_ptr<const void> owner, std::string component, std::string subscriber,
                         std::vector<std::string> types, std::function<void(const Event&)> handler) {
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
  loop_.start(kPollInterval, [this] { deliver_pending(); });
}

void EventBus::stop() { loop_.stop(); }

void EventBus::notify() { loop_.wake(); }

void EventBus::deliver_pending() {
  std::vector<std::shared_ptr<Subscription>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& s : subscriptions_)
      if (s->active) live.push_back(s);
  }
  for (auto& sub : live) {
    try {
      while (deliver_batch(*sub) == kBatch)
        if (loop_.stopping()) return;
    } catch (const std::exception& e) {
      log_.write(LogLevel::warn, sub->component, "event delivery paused",
                 {{"subscriber", sub->subscriber}, {"error", describe_error(e)}});
    }
  }
}

int EventBus::deliver_batch(const Subscription& sub) {
  std::lock_guard running(delivering_);
  {
    // Removed while we were getting here: deliver nothing more to it.
    std::lock_guard lock(mutex_);
    if (std::none_of(subscriptions_.begin(), subscriptions_.end(),
                     [&](const auto& s) { return s.get() == &sub; }))
      return 0;
  }
  auto lease = database_.lease();
  auto& sql = lease->sql();
  const bool postgres = database_.backend() == Backend::postgresql;
  long long now = to_unix(clock_.now());
  std::string name = sub.subscriber;
  sql << "INSERT INTO event_cursors (subscriber, last_id, updated_at) VALUES (:s, 0, :n)"
         " ON CONFLICT (subscriber) DO NOTHING",
      soci::use(name), soci::use(now);
  // On PostgreSQL the cursor's row lock makes several daemons take turns per
  // subscriber. SQLite has one daemon, and holding its write lock here would
  // block the handlers' own writes on other connections.
  std::optional<Transaction> tx;
  if (postgres) tx.emplace(*lease);
  long long cursor = 0;
  sql << (postgres ? "SELECT last_id FROM event_cursors WHERE subscriber = :s FOR UPDATE"
                   : "SELECT last_id FROM event_cursors WHERE subscriber = :s"),
      soci::use(name), soci::into(cursor);

  std::string in_list;
  for (const auto& type : sub.types) in_list += (in_list.empty() ? "'" : ",'") + type + "'";
  std::vector<Event> batch;
  {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, type, payload, occurred_at FROM events WHERE id > :c AND type IN (" + in_list +
                            ") ORDER BY id LIMIT " + std::to_string(kBatch),
         soci::use(cursor));
    for (const auto& row : rows)
      batch.push_back({row_int64(row, 0), row.get<std::string>(1), row.get<std::string>(2),
                       format_rfc3339(from_unix(row_int64(row, 3)))});
  }
  int delivered = 0;
  long long last = cursor;
  std::string failure;
  for (const auto& event : batch) {
    try {
      sub.handler(event);
    } catch (...) {
      failure = describe_current_exception();
      break;
    }
    last = event.id;
    ++delivered;
  }
  if (last != cursor)
    sql << "UPDATE event_cursors SET last_id = :l, updated_at = :n WHERE subscriber = :s", soci::use(last),
        soci::use(now), soci::use(name);
  if (tx) tx->commit();
  if (!failure.empty()) {
    // The same event is offered again at the next poll.
    log_.write(LogLevel::warn, sub.component, "event handler failed; will retry",
               {{"subscriber", name}, {"event_id", std::to_string(last + 1)}, {"error", failure}});
    return 0;
  }
  return delivered;
}

}  // namespace memberd
