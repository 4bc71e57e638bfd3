#pragma once
// What every fuzz target shares: the input as text, and the invariant check.
// A broken invariant aborts, so libFuzzer keeps the input as a crash file
// exactly as it keeps one for an ASan or UBSan report.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace memberd::fuzz {

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void invariant_broken(const char* what, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
  std::abort();
}

}  // namespace memberd::fuzz

// A macro, not a function, so the report names the condition and its line.
#define FUZZ_CHECK(condition) \
  ((condition) ? (void)0 : ::memberd::fuzz::invariant_broken(#condition, __FILE__, __LINE__))
