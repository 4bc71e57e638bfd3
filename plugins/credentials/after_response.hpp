#pragma once
// Work a request leaves for after its answer, on one thread of the plugin's
// own, each job with a unit of work of its own. A flow whose work depends on
// something the client must not learn (whether an address is a member's)
// answers after the same steps whatever the answer to that is.
#include <memberd/host.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace memberd::credentials {

class AfterResponse {
 public:
  // A job's failure is logged (`what` names it); the request answered already.
  using Job = std::function<Result<void>(UnitOfWork& work)>;

  // Each job starts `delay` after it was posted at the earliest: the host
  // gives the request's database connection back before the answer leaves,
  // and a job starting right then (on a pool of one connection, it starts
  // exactly then) would slow the answer it must not show in.
  explicit AfterResponse(Host& host, std::size_t capacity = 1000,
                         std::chrono::milliseconds delay = std::chrono::milliseconds(5));
  ~AfterResponse();
  AfterResponse(const AfterResponse&) = delete;
  AfterResponse& operator=(const AfterResponse&) = delete;

  // Queues `job`; false when `capacity` jobs wait already (answer busy) or
  // after stop().
  bool post(const char* what, Job job);
  // Runs every queued job, then ends the thread: from the plugin's stop(),
  // while the host is still usable. A job that fails meanwhile drops the
  // rest (logged with their count): the database is likely down, and each
  // would wait for it in turn, holding up a hot swap or the daemon's end.
  // Idempotent.
  void stop();

 private:
  void run();
  // Runs `job` on a unit of its own, rolled back unless it committed;
  // returns what went wrong, "" when nothing did.
  std::string run_one(const Job& job);

  struct Queued {
    const char* what = "";
    Job job;
    std::chrono::steady_clock::time_point due;
  };

  Host& host_;
  const std::size_t capacity_;
  const std::chrono::milliseconds delay_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Queued> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace memberd::credentials
