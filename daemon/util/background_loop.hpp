#pragma once
// A thread that runs one pass of work every `interval`, or sooner when woken
// (after new work was written), until stopped. The event bus and the mail
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
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this, interval, pass = std::move(pass)] {
      for (;;) {
        {
          std::unique_lock lock(mutex_);
          wake_.wait_for(lock, interval, [&] { return stopping_ || pending_; });
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
