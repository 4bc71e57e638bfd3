#include "processing_pool.hpp"

namespace memberd::photo {

ProcessingPool::ProcessingPool(std::size_t workers, std::size_t queue) : capacity_(queue) {
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
  std::packaged_task<void()> task(std::move(job));
  auto done = task.get_future();
  {
    std::lock_guard lock(mutex_);
    // An idle worker takes the job at once; beyond those, `capacity_` wait.
    if (stopping_ || waiting_.size() >= capacity_ + idle_) return std::nullopt;
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
      ++idle_;
      wake_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
      --idle_;
      if (waiting_.empty()) return;  // stopping, and nothing left
      task = std::move(waiting_.front());
      waiting_.pop_front();
    }
    task();  // an exception lands in the future
  }
}

}  // namespace memberd::photo
