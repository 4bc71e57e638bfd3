#pragma once
// The durable mail outbox. `enqueue` writes a row in the caller's
// transaction; a worker delivers due rows through the configured transport
// and records the outcome: sent; retried with backoff and jitter while the
// relay is down or answers 4xx, failed once that has lasted give_up_after;
// failed at once on a 5xx. Daemons sharing one PostgreSQL claim rows with
// FOR UPDATE SKIP LOCKED, so each message has one sender.
//
// Never twice once a relay may have it: a row is marked `sending` (and that
// committed) just before the relay sees it and `sent` once it accepted. A
// daemon that dies between the two leaves a `sending` row; once its claim is
// older than the sending lease it is failed as "outcome unknown" rather than
// sent again, and an admin may retry it (the Message-ID stays the same, so a
// receiving system can drop a duplicate).
#include <memberd/host.hpp>

#include "mail/mail_transport.hpp"
#include "mail/retry_delay.hpp"
#include "util/background_loop.hpp"

#include <memory>
#include <string>

namespace memberd {

class LogSink;
class ConnectionPool;
class MetricsRegistry;

struct DeliveryPolicy {
  RetryPolicy retry;
  // Rows claimed per database round trip.
  int claim_batch = 20;
  // A claimed row not yet handed to the relay this long ago belonged to a
  // worker that stopped: it goes back to the queue.
  std::chrono::seconds claim_lease{120};
  // A row handed to the relay this long ago without an outcome: failed as
  // unknown. Longer than one message's SMTP timeout.
  std::chrono::seconds sending_lease{600};
};

class MailOutbox final : public Mail {
 public:
  MailOutbox(ConnectionPool& database, const Clock& clock, LogSink& log, MetricsRegistry& metrics,
             std::unique_ptr<MailTransport> transport, std::string from, DeliveryPolicy policy);
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
  // Delivers every due message now, on the calling thread; returns how many were sent.
  int deliver_due();
  // Deletes sent and failed messages finished more than `older_than` ago;
  // returns how many. Queued ones are never deleted. Fails: busy.
  Result<int> purge(UnitOfWork& work, std::chrono::seconds older_than);
  // A failed message queued again for now, its attempts and give-up clock
  // started afresh. Fails: not_found (no failed message with that id), busy.
  Result<void> retry(UnitOfWork& work, long long id);

 private:
  struct Claimed;
  std::vector<Claimed> claim(long long now);
  void deliver_one(Claimed& message);
  void recover_stale(long long now);
  void release_claims();

  ConnectionPool& database_;
  const Clock& clock_;
  LogSink& log_;
  MetricsRegistry& metrics_;
  std::unique_ptr<MailTransport> transport_;
  std::string from_;
  DeliveryPolicy policy_;
  // Who holds a claim: this daemon's run, unique across daemons and restarts.
  std::string worker_id_;
  BackgroundLoop loop_;
};

}  // namespace memberd
