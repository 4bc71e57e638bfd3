#include "transport/worker_pool.hpp"

namespace memberd {

WorkerPool::WorkerPool(std::size_t threads, std::size_t queue_capacity) : capacity_(queue_capacity) {
  workers_.reserve(threads);
  idle_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) workers_.push_back(std::make_unique<Worker>());
  for (auto& worker : workers_) threads_.emplace_back([this, w = worker.get()] { work(*w); });
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::try_post(std::function<void()> job) {
  std::unique_lock lock(mutex_);
  if (stopping_) return false;
  if (!idle_.empty()) {
    Worker* worker = idle_.back();
    idle_.pop_back();
    worker->job = std::move(job);
    ++running_;
    lock.unlock();
    worker->wake.notify_one();
    return true;
  }
  if (queue_.size() >= capacity_) return false;
  queue_.push_back(std::move(job));
  return true;
}

void WorkerPool::stop() {
  std::vector<Worker*> sleeping;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    sleeping = idle_;
  }
  for (auto* worker : sleeping) worker->wake.notify_one();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

std::size_t WorkerPool::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::size_t WorkerPool::idle() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

std::size_t WorkerPool::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

void WorkerPool::work(Worker& self) {
  std::unique_lock lock(mutex_);
  for (;;) {
    std::function<void()> job;
    if (!queue_.empty()) {
      // What waited goes first, stopping or not: stop() drains the queue.
      job = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    } else if (stopping_) {
      return;
    } else {
      idle_.push_back(&self);
      self.wake.wait(lock, [&] { return self.job || stopping_; });
      if (!self.job) {
        // Stopping: leave the idle stack so no job is handed to a thread
        // that is gone; anything still queued is run above.
        std::erase(idle_, &self);
        continue;
      }
      job = std::move(self.job);
      self.job = nullptr;  // running_ was counted by try_post
    }
    lock.unlock();
    job();
    job = nullptr;  // destroyed outside the lock, like the job itself
    lock.lock();
    --running_;
  }
}

}  // namespace memberd
