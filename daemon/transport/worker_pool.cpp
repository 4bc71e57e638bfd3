#include "transport/worker_pool.hpp"

#include <algorithm>

namespace memberd {

namespace {
// How long the queue may go without a job taken before the watcher adds a
// thread. Short enough that a stuck handler costs the others about this
// much; long enough that it never fires while the running workers keep up
// (at 40k requests/s they take dozens of jobs in it).
constexpr auto kWatchTick = std::chrono::milliseconds(1);
}  // namespace

WorkerPool::WorkerPool(std::size_t threads, std::size_t concurrency, std::size_t queue_capacity)
    : concurrency_(std::clamp<std::size_t>(concurrency, 1, std::max<std::size_t>(threads, 1))),
      capacity_(queue_capacity) {
  workers_.reserve(threads);
  idle_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) workers_.push_back(std::make_unique<Worker>());
  for (auto& worker : workers_) threads_.emplace_back([this, w = worker.get()] { work(*w); });
  watcher_ = std::thread([this] { watch(); });
}

WorkerPool::~WorkerPool() { stop(); }

WorkerPool::Worker* WorkerPool::hand_to_idle(std::function<void()> job) {
  Worker* worker = idle_.back();
  idle_.pop_back();
  worker->job = std::move(job);
  ++running_;
  return worker;
}

WorkerPool::Worker* WorkerPool::hand_front_to_idle() {
  Worker* worker = hand_to_idle(std::move(queue_.front()));
  queue_.pop_front();
  ++taken_;
  return worker;
}

bool WorkerPool::try_post(std::function<void()> job) {
  std::unique_lock lock(mutex_);
  if (stopping_) return false;
  Worker* worker = nullptr;
  if (queue_.size() >= capacity_) {
    // Past the queue's capacity an idle thread is better than a refusal.
    if (idle_.empty()) return false;
    worker = hand_to_idle(std::move(job));
  } else {
    // Through the queue even when a worker is free, so jobs start in the
    // order they came.
    queue_.push_back(std::move(job));
    if (!idle_.empty() && room_to_run()) worker = hand_front_to_idle();
  }
  bool wake_watcher = !worker && watcher_asleep_;
  if (wake_watcher) watcher_asleep_ = false;
  lock.unlock();
  if (worker) worker->wake.notify_one();
  if (wake_watcher) watcher_wake_.notify_one();
  return true;
}

void WorkerPool::blocking_begins() noexcept {
  Worker* worker = nullptr;
  {
    std::lock_guard lock(mutex_);
    ++blocked_;
    // This thread's core is free now: the next queued job may use it.
    if (!queue_.empty() && !idle_.empty() && room_to_run()) worker = hand_front_to_idle();
  }
  if (worker) worker->wake.notify_one();
}

void WorkerPool::blocking_ends() noexcept {
  std::lock_guard lock(mutex_);
  --blocked_;
}

void WorkerPool::stop() {
  std::vector<Worker*> sleeping;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    sleeping = idle_;
  }
  watcher_wake_.notify_one();
  for (auto* worker : sleeping) worker->wake.notify_one();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  if (watcher_.joinable()) watcher_.join();
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

std::size_t WorkerPool::blocked() const {
  std::lock_guard lock(mutex_);
  return blocked_;
}

std::uint64_t WorkerPool::boosts_total() const {
  std::lock_guard lock(mutex_);
  return boosts_total_;
}

void WorkerPool::work(Worker& self) {
  BlockingRegion::observe_this_thread(this);
  std::unique_lock lock(mutex_);
  for (;;) {
    std::function<void()> job;
    if (!queue_.empty() && (room_to_run() || stopping_)) {
      // What waited goes first, stopping or not: stop() drains the queue.
      job = std::move(queue_.front());
      queue_.pop_front();
      ++taken_;
      ++running_;
    } else if (stopping_) {
      return;  // and the queue is empty: the branch above takes any job while stopping
    } else {
      if (queue_.empty()) boost_ = 0;  // the queue kept up: back to `concurrency`
      idle_.push_back(&self);
      self.wake.wait(lock, [&] { return self.job || stopping_; });
      if (!self.job) {
        // Stopping: leave the idle stack so no job is handed to a thread
        // that is gone; anything still queued is run above.
        std::erase(idle_, &self);
        continue;
      }
      job = std::move(self.job);
      self.job = nullptr;  // running_ was counted by whoever handed it over
    }
    lock.unlock();
    job();
    job = nullptr;  // destroyed outside the lock, like the job itself
    lock.lock();
    --running_;
  }
}

void WorkerPool::watch() {
  std::unique_lock lock(mutex_);
  std::uint64_t taken_at_last_tick = taken_;
  while (!stopping_) {
    if (queue_.empty()) {
      watcher_asleep_ = true;
      watcher_wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      watcher_asleep_ = false;
      taken_at_last_tick = taken_;
      continue;
    }
    watcher_wake_.wait_for(lock, kWatchTick);
    if (stopping_) return;
    // Jobs waited a whole tick and none was taken: whatever runs is stuck.
    if (!queue_.empty() && taken_ == taken_at_last_tick && !idle_.empty()) {
      ++boost_;
      ++boosts_total_;
      Worker* worker = hand_front_to_idle();
      lock.unlock();
      worker->wake.notify_one();
      lock.lock();
    }
    taken_at_last_tick = taken_;
  }
}

}  // namespace memberd
