#pragma once
// Durable domain events: rows in `events`, written in the publisher's own
// transaction, delivered to each subscriber in id order, at least once, from
// that subscriber's cursor in `event_cursors`.
//
// Subscriptions belong to a plugin version (`owner`). A new version's
// subscriptions stay dormant until its routes go live (`activate`), and then
// replace the old version's under the same subscriber name, so the cursor
// carries over a hot swap and the two versions never both receive an event.
#include <memberd/host.hpp>

#include "util/background_loop.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace memberd {

class ChangeFeed;
class LogSink;
class ConnectionPool;
class PooledUnit;

// The delivery thread is woken by every publish on any daemon (the change
// feed's "events.appended"); it looks on its own only every 5 min, or every
// 0.5 s while a delivery failed or the feed is not live.
class EventBus {
 public:
  EventBus(ConnectionPool& database, ChangeFeed& changes, const Clock& clock, LogSink& log);
  ~EventBus();

  // Appends an event through `work` (joining its open transaction; else in a
  // transaction of its own) and wakes every daemon's delivery thread once it
  // commits. The member its payload's "member_id" names is kept beside it
  // (events.member_id): a closing account's events go by it.
  Result<void> publish(UnitOfWork& work, std::string_view type, const nlohmann::json& payload);
  // The same with the payload already JSON text, for a caller that keeps
  // nlohmann/json out; `member_id` is the member it names ("" for none).
  Result<void> publish_text(UnitOfWork& work, std::string_view type, const std::string& payload_json,
                            const std::string& member_id);
  // Deletes up to `batch` events that happened before `before` (retention.events):
  // a subscriber absent or failing for longer misses them. Returns how many.
  Result<int> purge(UnitOfWork& work, TimePoint before, int batch = 5000);
  void subscribe(std::shared_ptr<const void> owner, std::string component, std::string subscriber,
                 std::vector<std::string> types, EventHandler handler);
  // Makes `owner`'s subscriptions live, replacing older ones of the same name.
  void activate(const void* owner);
  // Drops every subscription of `owner` (after a failed start, or on retire);
  // waits for a delivery in progress to that owner to finish.
  void remove(const void* owner);

  void start();
  void stop();
  // Wakes the delivery thread (called after publishing).
  void notify();
  // Delivers everything pending once, on the calling thread (tests, shutdown).
  void deliver_pending();

 private:
  // Inserts the row; `member` "" when the payload names none.
  Result<void> append(UnitOfWork& work, const std::string& type, const std::string& payload,
                      const std::string& member);
  struct Subscription {
    std::shared_ptr<const void> owner;
    std::string component, subscriber;
    std::vector<std::string> types;
    EventHandler handler;
    bool active = false;
  };
  // Delivers the subscription's next event; false when there is none (or it
  // failed; during a database outage quietly, without a line per poll).
  bool deliver_next(const Subscription& sub);
  // Its work inside the unit's open transaction.
  bool deliver_in(PooledUnit& unit, const Subscription& sub);

  ConnectionPool& database_;
  ChangeFeed& changes_;
  std::uint64_t subscription_ = 0;  // on changes_
  // A delivery failed or met an outage in the last pass: look again soon.
  std::atomic<bool> retry_soon_{false};
  const Clock& clock_;
  LogSink& log_;
  std::mutex mutex_;        // guards subscriptions_
  std::mutex delivering_;  // held while a handler runs, so remove() can wait it out
  std::vector<std::shared_ptr<Subscription>> subscriptions_;
  BackgroundLoop loop_;
};

}  // namespace memberd
