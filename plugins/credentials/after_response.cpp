#include "after_response.hpp"

#include <memberd/database.hpp>

#include <exception>

namespace memberd::credentials {

namespace {

// What went wrong, for the log: never a statement's bound values (an
// address, a token), which soci_error::what() would quote.
std::string describe(const Failure& failure) {
  if (!failure.detail.empty()) return failure.detail;
  switch (failure.refusal) {
    case Refusal::busy: return "the database was busy";
    case Refusal::unavailable: return "the database was unavailable";
    case Refusal::internal: return "a host call failed (logged above)";
    default: return "refused";
  }
}

std::string describe(const std::exception& e) {
  if (auto* database = dynamic_cast<const soci::soci_error*>(&e)) return database->get_error_message();
  return e.what();
}

}  // namespace

AfterResponse::AfterResponse(Host& host, std::size_t capacity, std::chrono::milliseconds delay)
    : host_(host), capacity_(capacity), delay_(delay), thread_([this] { run(); }) {}

AfterResponse::~AfterResponse() { stop(); }

bool AfterResponse::post(const char* what, Job job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || jobs_.size() >= capacity_) return false;
    jobs_.push_back({what, std::move(job), std::chrono::steady_clock::now() + delay_});
  }
  wake_.notify_one();
  return true;
}

void AfterResponse::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void AfterResponse::run() {
  for (;;) {
    Queued next;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      // Queued jobs run even while stopping (each was promised by an
      // answer), and without waiting for their time: their answers left.
      if (jobs_.empty()) return;
      wake_.wait_until(lock, jobs_.front().due, [&] { return stopping_; });
      next = std::move(jobs_.front());
      jobs_.pop_front();
    }
    std::string failure = run_one(next.job);
    if (failure.empty()) continue;
    host_.logger().warn("after-response job failed", {{"job", next.what}, {"error", failure}});
    // A stop (a hot swap, the daemon ending) waits for the queue: when the
    // database fails now, the rest would each wait for it in turn.
    std::lock_guard lock(mutex_);
    if (stopping_ && !jobs_.empty()) {
      host_.logger().warn("after-response jobs dropped at stop after a failure",
                          {{"count", std::to_string(jobs_.size())}});
      jobs_.clear();
    }
  }
}

std::string AfterResponse::run_one(const Job& job) {
  auto work = host_.database().open_unit();
  std::string failure;
  try {
    if (auto done = job(*work); !done) failure = describe(done.failure());
    else if (work->in_transaction()) failure = "left a transaction open";
  } catch (const std::exception& e) {
    failure = describe(e);
  } catch (...) {
    failure = "threw something that is not a std::exception";
  }
  if (work->in_transaction()) work->rollback();
  return failure;
}

}  // namespace memberd::credentials
