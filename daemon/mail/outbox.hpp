#pragma once
// The durable mail outbox. `enqueue` writes a row in the caller's
// transaction; a worker delivers due rows through the configured transport
// and records the outcome (sent, or retried with backoff, then failed).
#include <memberd/host.hpp>

#include "mail/mail_transport.hpp"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace memberd {

class LogSink;

class MailOutbox final : public Mail {
 public:
  MailOutbox(Database& database, const Clock& clock, LogSink& log, std::unique_ptr<MailTransport> transport,
             std::string from);
  ~MailOutbox() override;

  void enqueue(soci::session& tx, const MailMessage& message) override;
  void start();
  void stop();
  // Delivers every due message now, on the calling thread; returns how many were sent.
  int deliver_due();
  std::size_t queued() ;

 private:
  void run();

  Database& database_;
  const Clock& clock_;
  LogSink& log_;
  std::unique_ptr<MailTransport> transport_;
  std::string from_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
  bool stopping_ = false, pending_ = false;
};

}  // namespace memberd
