// memberd-photo-worker: decodes and re-encodes uploads for the photo plugin
// in a process of its own (issue 26: one PNG made libvips/lcms2 write past a
// buffer and took the whole daemon down). The plugin starts a few of these,
// sends each a request on the socket at fd 3 and reads the answer from the
// same socket (0, 1 and 2 are /dev/null: a library that prints must not
// garble an answer); a crash, a hang or an exhausted limit here costs one
// upload, and the plugin starts a fresh worker.
//
//   memberd-photo-worker --memory-bytes N --cpu-seconds N
//
// It exits 0 when the plugin closes the socket, 2 on a bad command line,
// 3 when libvips or the sandbox cannot start, 4 on a malformed request.
#include "../image_pipeline.hpp"
#include "../worker_protocol.hpp"
#include "sandbox.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace memberd::photo;

namespace {

constexpr int kSocket = 3;

// Reads exactly `n` bytes; false at end of input before the first byte.
bool read_exactly(int fd, char* into, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    ssize_t r = ::read(fd, into + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (got == 0) return false;
      throw ProtocolError("the request ends early");
    }
    got += static_cast<std::size_t>(r);
  }
  return true;
}

void write_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t w = ::write(fd, bytes.data() + sent, bytes.size() - sent);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) std::exit(0);  // the plugin went away: nobody wants the answer
    sent += static_cast<std::size_t>(w);
  }
}

std::int64_t cpu_milliseconds() {
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  auto ms = [](const timeval& t) { return std::int64_t(t.tv_sec) * 1000 + t.tv_usec / 1000; };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

bool parse_arguments(int argc, char** argv, SandboxLimits& limits) {
  for (int i = 1; i + 1 < argc; i += 2) {
    char* end = nullptr;
    errno = 0;
    unsigned long long value = std::strtoull(argv[i + 1], &end, 10);
    if (errno != 0 || end == argv[i + 1] || *end != '\0' || value == 0) return false;
    if (std::strcmp(argv[i], "--memory-bytes") == 0) limits.memory_bytes = value;
    else if (std::strcmp(argv[i], "--cpu-seconds") == 0) limits.cpu_seconds = value;
    else return false;
  }
  return argc % 2 == 1;
}

}  // namespace

int main(int argc, char** argv) {
  SandboxLimits limits;
  if (!parse_arguments(argc, argv, limits)) {
    std::fprintf(stderr, "usage: memberd-photo-worker [--memory-bytes N] [--cpu-seconds N]\n");
    return 2;
  }
  try {
    limit_resources(limits);
    lock_down_libvips();  // loads libvips' modules: files are still allowed here
    enter_sandbox();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "memberd-photo-worker: %s\n", e.what());
    return 3;
  }
  try {
    for (;;) {
      std::string header(frame_header_bytes, '\0');
      if (!read_exactly(kSocket, header.data(), header.size())) return 0;
      std::string payload(announced_length(header), '\0');
      if (!read_exactly(kSocket, payload.data(), payload.size())) throw ProtocolError("the request ends early");
      RenderRequest request = decode_request(payload);
      payload = {};
      RenderAnswer answer{render_photo(request.image, request.settings), 0};
      answer.cpu_milliseconds = cpu_milliseconds();
      write_all(kSocket, frame(encode_answer(answer)));
    }
  } catch (const ProtocolError& e) {
    std::fprintf(stderr, "memberd-photo-worker: %s\n", e.what());
    return 4;
  }
}
