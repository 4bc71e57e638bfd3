#pragma once
// The threads handlers run on. Handlers block (on the database, on hashing),
// so they never run on the I/O threads that own the connections: an idle or
// slow connection holds no worker, and a worker holds no connection. The
// queue is bounded: past it a request is refused at once (503 + Retry-After,
// backpressure) instead of waiting without end.
//
// Idle workers wait in a stack and the one that went idle last takes the
// next job. The pool has many threads so that handlers blocked on a lock or
// a slow query do not stall the rest, but most of the time a few suffice:
// waking them in turn (what one shared condition variable does) would keep
// all of them cold in the caches and cost a context switch each. Measured
// on GET /api/v1/me at 64 connections: 128 threads woken in turn served
// 13.5k requests/s, the same 128 woken last-idle-first as many as 4 did.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace memberd {

class WorkerPool {
 public:
  WorkerPool(std::size_t threads, std::size_t queue_capacity);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;

  // Hands `job` to an idle worker, or queues it when all are busy; false
  // (and `job` dropped) when `queue_capacity` jobs wait already or the pool
  // is stopping. Thread-safe.
  bool try_post(std::function<void()> job);
  // Runs what is queued, then joins the threads. Idempotent.
  void stop();

  std::size_t queued() const;
  std::size_t running() const;
  // Threads waiting for a job now (all of them once the pool has started
  // and nothing runs).
  std::size_t idle() const;

 private:
  // One thread's mailbox: it sleeps on its own condition variable until a
  // job is put in `job` or the pool stops.
  struct Worker {
    std::condition_variable wake;
    std::function<void()> job;
  };
  void work(Worker& self);

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<std::function<void()>> queue_;  // jobs no idle worker was there for
  std::vector<Worker*> idle_;                // a stack: back() went idle last
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::size_t running_ = 0;
  bool stopping_ = false;
};

}  // namespace memberd
