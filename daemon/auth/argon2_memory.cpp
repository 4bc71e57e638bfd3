#include "auth/argon2_memory.hpp"

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>

namespace memberd {

namespace {

struct ThreadBuffer {
  std::uint8_t* memory = nullptr;
  std::size_t size = 0;
  bool lent = false;
};
thread_local ThreadBuffer t_buffer;

int allocate(std::uint8_t** memory, std::size_t bytes) {
  if (t_buffer.lent) return ARGON2_MEMORY_ALLOCATION_ERROR;  // one hash at a time per thread
  if (t_buffer.size < bytes) {
    release_thread_memory();
    void* mapped = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) return ARGON2_MEMORY_ALLOCATION_ERROR;
    t_buffer.memory = static_cast<std::uint8_t*>(mapped);
    t_buffer.size = bytes;
  }
  t_buffer.lent = true;
  *memory = t_buffer.memory;
  return ARGON2_OK;
}

// libargon2 wipes its memory before handing it back (its global
// FLAG_clear_internal_memory is on); the mapping stays for the next hash.
void give_back(std::uint8_t*, std::size_t) { t_buffer.lent = false; }

}  // namespace

void use_thread_memory(argon2_context& context) {
  context.allocate_cbk = allocate;
  context.free_cbk = give_back;
}

void release_thread_memory() {
  if (t_buffer.memory && !t_buffer.lent) {
    munmap(t_buffer.memory, t_buffer.size);
    t_buffer = ThreadBuffer{};
  }
}

}  // namespace memberd
