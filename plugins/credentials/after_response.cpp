#include "after_response.hpp"

#include <memberd/database.hpp>

#include <exception>

namespace memberd::credentials {

AfterResponse::AfterResponse(Host& host, std::size_t capacity)
    : host_(host), capacity_(capacity), thread_([this] { run(); }) {}

AfterResponse::~AfterResponse() { stop(); }

bool AfterResponse::post(const char* what, Job job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || jobs_.size() >= capacity_) return false;
    jobs_.emplace_back(what, std::move(job));
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
    std::pair<const char*, Job> next;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      // Queued jobs run even while stopping: each was promised by an answer.
      if (jobs_.empty()) return;
      next = std::move(jobs_.front());
      jobs_.pop_front();
    }
    auto work = host_.database().open_unit();
    std::string failure;
    try {
      if (auto done = next.second(*work); !done)
        failure = done.failure().detail.empty() ? "refused (database busy or unavailable)" : done.failure().detail;
      if (failure.empty() && work->in_transaction()) failure = "left a transaction open";
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (work->in_transaction()) work->rollback();
    if (!failure.empty()) host_.logger().warn("after-response job failed", {{"job", next.first}, {"error", failure}});
  }
}

}  // namespace memberd::credentials
