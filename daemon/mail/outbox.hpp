#pragma once
// The durable mail outbox. `enqueue` writes a row in the caller's
// transaction; a worker delivers due rows through the configured transport
// and records the outcome (sent, or retried with backoff, then failed).
#include <memberd/host.hpp>

#include "mail/mail_transport.hpp"
#include "util/background_loop.hpp"

#include <memory>
#include <string>

namespace memberd {

class LogSink;
class ConnectionPool;

class MailOutbox final : public Mail {
 public:
  MailOutbox(ConnectionPool& database, const Clock& clock, LogSink& log, std::unique_ptr<MailTransport> transport,
             std::string from);
  ~MailOutbox() override;

  Result<void> enqueue(UnitOfWork& work, const MailMessage& message) override;
  void start();
  void stop();
  // Delivers every due message now, on the calling thread; returns how many were sent.
  int deliver_due();
  // Deletes sent and failed messages queued more than `older_than` ago;
  // returns how many. Queued ones are never deleted. Fails: busy.
  Result<int> purge(UnitOfWork& work, std::chrono::seconds older_than);

 private:

  ConnectionPool& database_;
  const Clock& clock_;
  LogSink& log_;
  std::unique_ptr<MailTransport> transport_;
  std::string from_;
  BackgroundLoop loop_;
};

}  // namespace memberd
