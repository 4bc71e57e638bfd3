#pragma once
// Memory for libargon2, kept warm per hashing thread.
//
// Argon2id touches 19 MiB per hash. Fresh pages from the kernel cost ~60 ms
// of faults and zeroing per hash (4x the hash itself); malloc's arenas would
// keep the memory warm but never give it back (idle RSS +20 MiB per thread).
// So each hashing thread keeps one mapping for as long as it is busy and
// returns it after a quiet spell.
#include <argon2.h>

namespace memberd {

// Points `context` at this thread's allocator.
void use_thread_memory(argon2_context& context);
// Unmaps this thread's buffer, if any.
void release_thread_memory();

}  // namespace memberd
