#include "processing_pool.hpp"

namespace memberd::photo {

ProcessingPool::ProcessingPool(std::size_t workers, std::size_t queue) : workers_(workers), capacity_(queue) {
  for (std::size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
}

ProcessingPool::~ProcessingPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) thread.join();
}

std::optional<std::future<void>> ProcessingPool::try_run(std::function<void()> job) {
  std::packaged_task<void()> task([this, job = std::move(job)] {
    struct Finished {
      std::atomic<std::size_t>& admitted;
      ~Finished() { admitted.fetch_sub(1); }
    } finished{admitted_};
    job();
  });
  auto done = task.get_future();
  {
    std::lock_guard lock(mutex_);
    // One job per worker runs; beyond those, `capacity_` wait. (admitted_
    // only grows under the lock; it may drop meanwhile, which admits.)
    if (stopping_ || admitted_.load() >= workers_ + capacity_) return std::nullopt;
    admitted_.fetch_add(1);
    waiting_.push_back(std::move(task));
  }
  wake_.notify_one();
  return done;
}

void ProcessingPool::work() {
  for (;;) {
    std::packaged_task<void()> task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
      if (waiting_.empty()) return;  // stopping, and nothing left
      task = std::move(waiting_.front());
      waiting_.pop_front();
    }
    task();  // an exception lands in the future
  }
}

}  // namespace memberd::photo
