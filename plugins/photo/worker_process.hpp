#pragma once
// One running memberd-photo-worker, from the plugin's side: started with
// posix_spawn (no fork of the many-threaded daemon), an empty environment,
// only its socket open, and its limits on the command line; asked one
// request at a time; killed and reaped when it fails or is no longer wanted.
#include "worker_protocol.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace memberd::photo {

struct WorkerCommand {
  std::string program;  // checked by Host::plugin_program
  std::uint64_t memory_bytes = 0;
  std::uint64_t cpu_seconds = 0;
};

// How a request to a worker ended when it brought no answer.
enum class WorkerFailure {
  gone,       // it had ended before the request reached it (killed while idle): not this request's doing
  timed_out,  // no answer before the deadline: the worker was killed
  died,       // it exited or was killed by a signal (a crash, a limit) mid-request
  garbled,    // it answered something that is not an answer
};

class WorkerProcess {
 public:
  // Starts the program; throws std::runtime_error saying why it cannot.
  explicit WorkerProcess(const WorkerCommand& command);
  // Kills (SIGKILL: it keeps nothing worth a goodbye) and reaps it.
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  struct Reply {
    std::optional<RenderAnswer> answer;
    WorkerFailure failure = WorkerFailure::died;
    std::string how;  // for the log: "killed by signal 6 (SIGABRT)", "exited with status 4", ...
    pid_t pid = -1;   // the process that was asked
  };
  // Sends the request and waits for the answer until `deadline`. Without an
  // answer the process is finished (killed and reaped): discard it.
  Reply ask(const RenderSettings& settings, std::string_view image, std::chrono::steady_clock::time_point deadline);

 private:
  // Kills the process if it still runs (after a moment's wait when it is
  // `ending`: it closed its socket) and describes how it ended.
  std::string finish(bool ending);

  pid_t pid_ = -1;
  int socket_ = -1;
};

}  // namespace memberd::photo
