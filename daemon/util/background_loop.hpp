#pragma once
// A thread that runs one pass of work every `interval`, or sooner when woken
// (after new work was written, here or, through the change feed, on another
// daemon), until stopped. The event bus and the mail
// outbox are both such loops.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace memberd {

class BackgroundLoop {
 public:
  BackgroundLoop() = default;
  BackgroundLoop(const BackgroundLoop&) = delete;
  ~BackgroundLoop() { stop(); }

  void start(std::chrono::milliseconds interval, std::function<void()> pass) {
    start([interval] { return interval; }, std::move(pass));
  }
  // The wait before each pass asked anew, as it may depend on the last pass
  // (when the next retry is due) or on whether wake() can be relied on.
  void start(std::function<std::chrono::milliseconds()> interval, std::function<void()> pass) {
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this, interval = std::move(interval), pass = std::move(pass)] {
      for (;;) {
        auto wait = interval();
        {
          std::unique_lock lock(mutex_);
          wake_.wait_for(lock, wait, [&] { return stopping_ || pending_; });
          if (stopping_) return;
          pending_ = false;
        }
        pass();
      }
    });
  }
  void wake() {
    {
      std::lock_guard lock(mutex_);
      pending_ = true;
    }
    wake_.notify_all();
  }
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  bool stopping() {
    std::lock_guard lock(mutex_);
    return stopping_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
  bool stopping_ = false, pending_ = false;
};

}  // namespace memberd
