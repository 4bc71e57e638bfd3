#pragma once
// A log sink's file for unit tests: a temporary file, read back whole.
#include <cstdio>
#include <string>

namespace memberd::test {

struct LogCapture {
  std::FILE* file = std::tmpfile();
  ~LogCapture() { std::fclose(file); }
  std::string text() const {
    std::fflush(file);
    std::rewind(file);
    std::string out;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, file)) > 0;) out.append(buf, n);
    std::fseek(file, 0, SEEK_END);
    return out;
  }
};

}  // namespace memberd::test
