#pragma once
// The photo plugin's decoding processes: up to `processes` running
// memberd-photo-worker programs, each taking one upload at a time, reused
// while they stay healthy and replaced when one crashes, hangs or nears its
// CPU allowance. Uploads beyond the running workers wait in a bounded queue;
// past it they are refused at once (busy) instead of piling up.
//
// An upload starts only while the pixels being decoded, its own included,
// stay within a budget (issue 27, L2): a 49-megapixel GIF is 37 KB to send
// and 180 MB and seconds of work to decode, so counting uploads alone let a
// few of them hold every worker while a 2 MP JPEG waited behind. An upload
// that does not fit waits without holding a worker, and smaller ones that
// fit go past it; one that would not fit even alone runs when nothing else
// does.
#include "worker_process.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace memberd::photo {

struct WorkerPoolSettings {
  WorkerCommand command;
  std::size_t processes = 2;
  std::size_t queue = 4;
  // The decoded pixels all running uploads may hold at once
  // (decoded_pixels() of each).
  long long pixel_budget = 64'000'000;
  // How long past photo.time_limit a worker may stay silent before it is
  // killed: its own deadline usually answers first (too_slow) while it is
  // saving; this catches a hang anywhere else, decoding included.
  std::chrono::milliseconds grace{1000};
};

enum class RenderFailure {
  busy,         // every worker busy and the queue full
  unavailable,  // no worker could be started
  crashed,      // the worker died or answered garbage on this upload
  timed_out,    // the worker gave no answer in time and was killed
};

struct RenderOutcome {
  std::optional<RenderedPhoto> photo;  // set unless failure is
  RenderFailure failure = RenderFailure::crashed;
};

class ImageWorkers {
 public:
  // `log(message, detail)` is told of every worker lost or not started.
  using LogFn = std::function<void(const std::string& message, const std::string& detail)>;
  // Starts one worker now, so that a program that cannot run is known at
  // start (throws std::runtime_error saying why); the rest start on demand.
  ImageWorkers(WorkerPoolSettings settings, LogFn log);
  // Kills the idle workers; call only when no render() is running.
  ~ImageWorkers();
  ImageWorkers(const ImageWorkers&) = delete;
  ImageWorkers& operator=(const ImageWorkers&) = delete;

  // Renders `bytes` on a worker, blocking until its answer, its failure or
  // a refusal; `pixels` is what decoding it will hold (decoded_pixels()).
  // Safe from many threads at once.
  RenderOutcome render(std::string_view bytes, const RenderSettings& settings, long long pixels);

  // Workers started since construction (the first included); for tests.
  std::size_t started() const;

 private:
  std::unique_ptr<WorkerProcess> start_worker();
  // Takes an idle worker or a free place for a new one, and `pixels` of the
  // budget, waiting until both are there.
  std::unique_ptr<WorkerProcess> check_out(long long pixels, bool& start_new);
  // Gives back the worker (null: its place) and the upload's pixels.
  void check_in(std::unique_ptr<WorkerProcess> worker, long long pixels);

  WorkerPoolSettings settings_;
  LogFn log_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<WorkerProcess>> idle_;
  std::size_t alive_ = 0;     // idle plus checked out, and places taken for starting ones
  std::size_t admitted_ = 0;  // uploads inside render(): running or waiting
  std::size_t started_ = 0;
  long long decoding_pixels_ = 0;  // the pixels of the uploads on a worker now
};

}  // namespace memberd::photo
