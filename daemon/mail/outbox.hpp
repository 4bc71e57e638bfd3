#pragma once
// The durable mail outbox. `enqueue` writes a row in the caller's
// transaction; a worker delivers due rows through the configured transport
// and records the outcome: sent; retried with backoff and jitter while the
// relay is down or answers 4xx, failed once that has lasted give_up_after;
// failed at once on a 5xx. Daemons sharing one PostgreSQL claim rows with
// FOR UPDATE SKIP LOCKED, so each message has one sender; within a daemon,
// several delivery lanes (mail.connections, each a thread with its own kept
// relay connection) claim the same way, so a relay that takes a few ms per
// message is kept busy on several connections at once.
//
// Never twice once a relay may have it: a row is marked `sending` (and that
// committed) just before the relay sees it and `sent` once it accepted. A
// relay that had the whole message but gave no final reply (the transport's
// DeliveryFailure::unknown) fails it as "outcome unknown" at once; a daemon
// that dies between the two leaves a `sending` row, failed the same way once
// its claim is older than the sending lease. Neither is sent again; an admin
// may retry it (the Message-ID stays the same, so a receiving system can
// drop a duplicate).
#include <memberd/host.hpp>

#include "mail/mail_transport.hpp"
#include "mail/retry_delay.hpp"
#include "util/background_loop.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace memberd {

class ChangeFeed;
class ClusterRegistry;
class LogSink;
class ConnectionPool;
class MetricsRegistry;

struct DeliveryPolicy {
  RetryPolicy retry;
  // Rows a lane claims per database round trip: small, so that a burst is
  // spread over the lanes instead of queued behind one.
  int claim_batch = 5;
  // A claimed row not yet handed to the relay this long ago belonged to a
  // worker that stopped: it goes back to the queue.
  std::chrono::seconds claim_lease{120};
  // A row handed to the relay this long ago without an outcome: failed as
  // unknown. Longer than one message's SMTP timeout.
  std::chrono::seconds sending_lease{600};
};

// The first lane is woken by every message queued on any daemon (the change
// feed's "mail.queued"); on its own it looks when the next retry is due, or
// after 60 s at most (10 s on the cluster's leader, which gives a dead
// daemon's claims back), or every second while the feed is not live.
//
// Claims carry the claiming daemon (cluster_registry.hpp): a dead daemon's
// unsent claims go back to the queue at once, and only a dead daemon's
// message in the relay's hands can end as "outcome unknown": a live one
// writes its outcome, however long an outage makes it wait.
class MailOutbox final : public Mail {
 public:
  // One delivery lane per transport (at least one, else std::invalid_argument).
  MailOutbox(ConnectionPool& database, ChangeFeed& changes, const ClusterRegistry& cluster, const Clock& clock,
             LogSink& log, MetricsRegistry& metrics, std::vector<std::unique_ptr<MailTransport>> transports,
             std::string from, DeliveryPolicy policy);
  ~MailOutbox() override;

  Result<void> enqueue(UnitOfWork& work, const MailMessage& message) override;
  Result<void> enqueue_in_batch(UnitOfWork& work, const MailMessage& message, std::string_view batch) override;
  // Templates belong to plugins (their Host's Mail renders them): the core's
  // outbox has none, so this is always a misuse (std::logic_error).
  Result<void> enqueue_template(UnitOfWork& work, std::string_view to, std::string_view name,
                                const PlaceholderValues& values) override;
  void start();
  // Finishes the message in the relay's hands, gives the rest of its claim
  // back to the queue and stops the worker.
  void stop();
  // Delivers every due message now, on the calling thread (as the first
  // lane); returns how many were handed to the relay.
  int deliver_due();
  // Deletes sent and failed messages finished more than `older_than` ago;
  // returns how many. Queued ones are never deleted. Fails: busy.
  Result<int> purge(UnitOfWork& work, std::chrono::seconds older_than);
  // A failed message queued again for now, its attempts and give-up clock
  // started afresh. Fails: not_found (no failed message with that id), busy.
  Result<void> retry(UnitOfWork& work, long long id);

 private:
  struct Claimed;
  // A thread, its transport (an SMTP connection kept between messages) and
  // its claims, which carry its own id.
  struct Lane {
    std::string worker_id;  // unique across lanes, daemons and restarts
    std::unique_ptr<MailTransport> transport;
    BackgroundLoop loop;
    std::atomic<bool> busy{false};  // in a pass now
  };
  int deliver_due(Lane& lane);
  std::vector<Claimed> claim(const Lane& lane, long long now);
  void deliver_one(Lane& lane, Claimed& message);
  // Runs `write` (the delivery's outcome) on a connection of its own,
  // waiting out a database outage.
  void write_outcome(Lane& lane, std::chrono::steady_clock::time_point handed_over,
                     const std::function<void(soci::session&)>& write);
  void recover_stale(long long now);
  void release_claims(const Lane& lane);
  void wake_first_lane();
  void wake_next(const Lane& lane);
  // Every daemon's first lane wakes once `work` commits.
  Result<void> announce_queued(UnitOfWork& work);
  // How long the first lane may sleep: until the earliest queued message is
  // due, within [1 s, 60 s] (10 s on the leader).
  std::chrono::milliseconds until_next_due();

  ConnectionPool& database_;
  ChangeFeed& changes_;
  const ClusterRegistry& cluster_;
  std::uint64_t subscription_ = 0;  // on changes_
  // Set by the first lane's pass, read before its next wait.
  std::atomic<long long> next_wait_ms_{1000};
  const Clock& clock_;
  LogSink& log_;
  MetricsRegistry& metrics_;
  std::string from_;
  DeliveryPolicy policy_;
  std::vector<std::unique_ptr<Lane>> lanes_;
};

}  // namespace memberd
