#include "image_workers.hpp"

namespace memberd::photo {

ImageWorkers::ImageWorkers(WorkerPoolSettings settings, LogFn log)
    : settings_(std::move(settings)), log_(std::move(log)) {
  auto first = start_worker();
  std::lock_guard lock(mutex_);
  ++alive_;
  idle_.push_back(std::move(first));
}

ImageWorkers::~ImageWorkers() = default;

std::size_t ImageWorkers::started() const {
  std::lock_guard lock(mutex_);
  return started_;
}

std::unique_ptr<WorkerProcess> ImageWorkers::start_worker() {
  auto worker = std::make_unique<WorkerProcess>(settings_.command);
  std::lock_guard lock(mutex_);
  ++started_;
  return worker;
}

std::unique_ptr<WorkerProcess> ImageWorkers::check_out(long long pixels, bool& start_new) {
  std::unique_lock lock(mutex_);
  freed_.wait(lock, [&] {
    bool worker = !idle_.empty() || alive_ < settings_.processes;
    bool fits = decoding_pixels_ == 0 || decoding_pixels_ + pixels <= settings_.pixel_budget;
    return worker && fits;
  });
  decoding_pixels_ += pixels;
  start_new = idle_.empty();
  if (start_new) {
    ++alive_;  // the place is ours while the worker starts outside the lock
    return nullptr;
  }
  auto worker = std::move(idle_.back());
  idle_.pop_back();
  return worker;
}

void ImageWorkers::check_in(std::unique_ptr<WorkerProcess> worker, long long pixels) {
  {
    std::lock_guard lock(mutex_);
    if (worker) idle_.push_back(std::move(worker));
    else --alive_;
    decoding_pixels_ -= pixels;
  }
  // Waiters differ in what they need (a small upload may fit where a large
  // one does not): each checks for itself.
  freed_.notify_all();
}

RenderOutcome ImageWorkers::render(std::string_view bytes, const RenderSettings& settings, long long pixels) {
  {
    std::lock_guard lock(mutex_);
    if (admitted_ >= settings_.processes + settings_.queue) return {std::nullopt, RenderFailure::busy};
    ++admitted_;
  }
  struct Admission {
    ImageWorkers& pool;
    ~Admission() {
      std::lock_guard lock(pool.mutex_);
      --pool.admitted_;
    }
  } admission{*this};

  bool start_new = false;
  auto worker = check_out(pixels, start_new);
  auto deadline = std::chrono::steady_clock::now() + settings.time_limit + settings_.grace;
  WorkerProcess::Reply reply;
  // A second try only when the first worker had ended before it got the
  // upload (killed while idle): that loss is not this upload's to pay.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (start_new) {
      try {
        worker = start_worker();
      } catch (const std::exception& e) {
        log_("photo worker could not be started", e.what());
        check_in(nullptr, pixels);
        return {std::nullopt, RenderFailure::unavailable};
      }
    }
    reply = worker->ask(settings, bytes, deadline);
    if (reply.answer || reply.failure != WorkerFailure::gone) break;
    log_("photo worker had ended while idle; a fresh one takes the upload", "pid " + std::to_string(reply.pid) + " " + reply.how);
    start_new = true;  // its place is kept for the fresh one
  }
  if (!reply.answer) {
    log_(reply.failure == WorkerFailure::timed_out ? "photo worker killed: no answer within photo.time_limit"
                                                   : "photo worker lost on an upload; a fresh one takes the next",
         "pid " + std::to_string(reply.pid) + " " + reply.how);
    check_in(nullptr, pixels);  // the process is gone; its place frees up
    return {std::nullopt,
            reply.failure == WorkerFailure::timed_out ? RenderFailure::timed_out : RenderFailure::crashed};
  }
  // RLIMIT_CPU counts a worker's whole life: retire it while an upload
  // could not yet run into the limit.
  auto allowance = std::chrono::seconds(settings_.command.cpu_seconds) - 2 * (settings.time_limit + settings_.grace);
  if (std::chrono::milliseconds(reply.answer->cpu_milliseconds) >= allowance) worker.reset();
  check_in(std::move(worker), pixels);
  return {std::move(reply.answer->photo), RenderFailure::crashed};
}

}  // namespace memberd::photo
