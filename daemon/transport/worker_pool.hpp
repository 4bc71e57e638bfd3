#pragma once
// The threads handlers run on. Handlers block (on the database, on hashing),
// so they never run on the I/O threads that own the connections: an idle or
// slow connection holds no worker, and a worker holds no connection. The
// queue is bounded: past it a request is refused at once (503 + Retry-After,
// backpressure) instead of waiting without end.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace memberd {

class WorkerPool {
 public:
  WorkerPool(std::size_t threads, std::size_t queue_capacity);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;

  // Queues `job`; false (and `job` dropped) when `queue_capacity` jobs wait
  // already or the pool is stopping. Thread-safe.
  bool try_post(std::function<void()> job);
  // Runs what is queued, then joins the threads. Idempotent.
  void stop();

  std::size_t queued() const;
  std::size_t running() const;

 private:
  void work();

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
  std::size_t running_ = 0;
  bool stopping_ = false;
};

}  // namespace memberd
