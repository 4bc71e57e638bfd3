// The photo plugin's bounded pool for image work, on its own.
#include "processing_pool.hpp"

#include <catch2/catch.hpp>

#include <future>

using namespace memberd::photo;

TEST_CASE("the photo pool takes the next job as soon as the previous one's answer is in", "[photo][pool]") {
  // One worker, no queue: what a member's second upload after the first
  // answer meets. Counting idle workers refused some of these with 503.
  ProcessingPool pool(1, 0);
  int refused = 0;
  for (int i = 0; i < 2000; ++i) {
    auto done = pool.try_run([] {});
    if (!done) {
      ++refused;
      continue;
    }
    done->get();
  }
  CHECK(refused == 0);
}

TEST_CASE("the photo pool refuses past its workers and queue, and takes jobs again after", "[photo][pool]") {
  std::promise<void> release;
  auto released = release.get_future().share();
  ProcessingPool pool(1, 1);
  // Opened however the test ends (a failed REQUIRE too), before the pool
  // joins its worker.
  struct Opener {
    std::promise<void>& release;
    bool open = false;
    void operator()() {
      if (!open) release.set_value();
      open = true;
    }
    ~Opener() { (*this)(); }
  } opener{release};
  auto running = pool.try_run([&] { released.wait(); });
  auto waiting = pool.try_run([] {});
  REQUIRE(running);
  REQUIRE(waiting);
  CHECK_FALSE(pool.try_run([] {}));
  opener();
  running->get();
  waiting->get();
  auto again = pool.try_run([] {});
  REQUIRE(again);
  again->get();
}
