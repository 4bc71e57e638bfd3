#pragma once
// The threads handlers run on. Handlers block (on the database and on
// hashing), so they never run on the I/O threads that own the connections:
// an idle or slow connection holds no worker, and a worker holds no
// connection. The queue is bounded: past it a request is refused at once
// (503 + Retry-After, backpressure) instead of waiting without end.
//
// Few run, many wait ready. The pool has many threads so that handlers
// blocked on a lock or a slow query do not stall the rest, but only
// `concurrency` of them are handed work while that many run: the next
// request waits in the queue and a running worker takes it when it is done,
// without sleeping in between. Handing every request to a sleeping thread
// cost two context switches and a wake-up per request, and dozens of
// runnable handlers on two cores only took turns: measured on GET
// /api/v1/me at 64 connections, 128 threads handed a request each served
// 31–38k requests/s with 1.6 context switches a request; 2 at a time (one
// per core) 47–57k with 0.3, in the same sitting.
//
// A handler that waits inside a BlockingRegion (a password hash, a free
// database connection) does not count as running. For waits nobody marked
// (a lock held by another daemon, a slow query), a watcher gives the queue
// one more thread for every millisecond in which no queued job was taken,
// until the queue is empty again. So the pool never waits on a handler that
// will not finish soon while threads are left; it only stops handing out
// threads that would compete for the same cores.
//
// Idle workers wait in a stack and the one that went idle last takes the
// next job: waking them in turn would keep all of them cold in the caches.
#include "util/blocking_region.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace memberd {

class WorkerPool final : private BlockingRegion::Observer {
 public:
  // `threads` workers, at most `concurrency` of them handed work while
  // that many run (unblocked), and at most `queue_capacity` jobs waiting.
  // concurrency is clamped to 1..threads.
  WorkerPool(std::size_t threads, std::size_t concurrency, std::size_t queue_capacity);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;

  // Hands `job` to an idle worker, or queues it for a running one; false
  // (and `job` dropped) when `queue_capacity` jobs wait already and no
  // worker is idle, or the pool is stopping. Thread-safe.
  bool try_post(std::function<void()> job);
  // Runs what is queued, then joins the threads. Idempotent.
  void stop();

  std::size_t queued() const;
  std::size_t running() const;
  // Of the running jobs, those waiting inside a BlockingRegion now.
  std::size_t blocked() const;
  // Threads waiting for a job now (all of them once the pool has started
  // and nothing runs).
  std::size_t idle() const;
  // Threads the watcher has added since the pool started.
  std::uint64_t boosts_total() const;

 private:
  // One thread's mailbox: it sleeps on its own condition variable until a
  // job is put in `job` or the pool stops.
  struct Worker {
    std::condition_variable wake;
    std::function<void()> job;
  };
  void work(Worker& self);
  void watch();
  // With mutex_ held: may another worker be handed a job now?
  bool room_to_run() const { return running_ - blocked_ < concurrency_ + boost_; }
  // With mutex_ held: gives `job` to the idle worker on top of the stack.
  // Returns the worker to notify once the lock is released.
  Worker* hand_to_idle(std::function<void()> job);
  // The same with the queue's oldest job (the queue must not be empty).
  Worker* hand_front_to_idle();

  void blocking_begins() noexcept override;
  void blocking_ends() noexcept override;

  const std::size_t concurrency_, capacity_;
  mutable std::mutex mutex_;
  std::deque<std::function<void()>> queue_;  // jobs waiting for a running worker
  std::vector<Worker*> idle_;                // a stack: back() went idle last
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::thread watcher_;
  std::condition_variable watcher_wake_;
  bool watcher_asleep_ = false;  // waiting for a job to be queued, not ticking
  std::size_t running_ = 0;      // jobs being run
  std::size_t blocked_ = 0;      // of those, inside a BlockingRegion
  std::size_t boost_ = 0;        // threads added by the watcher, until the queue empties
  std::uint64_t taken_ = 0;      // jobs taken from the queue: the watcher's sign of progress
  std::uint64_t boosts_total_ = 0;
  bool stopping_ = false;
};

}  // namespace memberd
