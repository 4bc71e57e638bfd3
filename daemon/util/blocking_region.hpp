#pragma once
// Marks a wait for something other than the CPU: a password hash computed
// on the hashing pool, a database connection another request holds. The
// handler pool (transport/worker_pool.hpp) keeps only a few handlers running
// at once, because on a few cores more runnable threads only take turns and
// wake each other; a handler inside a BlockingRegion is not counted among
// them, so a queued request can use the core meanwhile.
//
// On a thread that no pool observes (background loops, tests) a region does
// nothing. Regions nest; only the outermost counts. Never throws.
namespace memberd {

class BlockingRegion {
 public:
  BlockingRegion() noexcept;
  ~BlockingRegion();
  BlockingRegion(const BlockingRegion&) = delete;
  BlockingRegion& operator=(const BlockingRegion&) = delete;

  // What a pool installs on each of its threads to be told.
  class Observer {
   public:
    virtual void blocking_begins() noexcept = 0;
    virtual void blocking_ends() noexcept = 0;

   protected:
    ~Observer() = default;
  };
  // Sets (or, with nullptr, clears) the calling thread's observer.
  static void observe_this_thread(Observer* observer) noexcept;
};

}  // namespace memberd
