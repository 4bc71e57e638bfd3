#include "util/blocking_region.hpp"

namespace memberd {

namespace {
thread_local BlockingRegion::Observer* observer = nullptr;
thread_local int depth = 0;
}  // namespace

BlockingRegion::BlockingRegion() noexcept {
  if (depth++ == 0 && observer) observer->blocking_begins();
}

BlockingRegion::~BlockingRegion() {
  if (--depth == 0 && observer) observer->blocking_ends();
}

void BlockingRegion::observe_this_thread(Observer* o) noexcept { observer = o; }

}  // namespace memberd
