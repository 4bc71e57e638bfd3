#pragma once
#include <memberd/host.hpp>

#include "util/time_format.hpp"

namespace memberd {

// The real clock. Tests move time through short configured timeouts instead
// of a fake clock, so the daemon they exercise is the one that ships.
class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
  std::string format(TimePoint t) const override { return format_rfc3339(t); }
};

}  // namespace memberd
