#pragma once
// A few threads for image work with a bounded queue: uploads beyond what
// they can take are refused at once (503) instead of piling up, and the
// daemon's request workers are never all busy decoding pictures.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace memberd::photo {

class ProcessingPool {
 public:
  // `workers` threads; at most `queue` jobs wait for one.
  ProcessingPool(std::size_t workers, std::size_t queue);
  // Finishes the jobs already accepted, then joins the threads.
  ~ProcessingPool();
  ProcessingPool(const ProcessingPool&) = delete;
  ProcessingPool& operator=(const ProcessingPool&) = delete;

  // Runs `job` on a pool thread; nullopt when the queue is full.
  std::optional<std::future<void>> try_run(std::function<void()> job);

 private:
  void work();

  std::size_t workers_, capacity_;
  // Jobs taken and not finished (running or waiting). It drops inside the
  // job, before its future is ready: counting idle workers instead left a
  // moment after each job in which the worker was neither, and an upload
  // sent as soon as the previous answer came was refused with 503.
  std::atomic<std::size_t> admitted_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::packaged_task<void()>> waiting_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace memberd::photo
