#pragma once
// A POSIX ustar archive built in memory: what "Download my data" hands the
// member (one file their own tools open: tar, 7-Zip, the file managers).
// Regular files only, each under a directory prefix; no links, no owners.
#include <cstdint>
#include <string>
#include <string_view>

namespace memberd {

class TarWriter {
 public:
  // `directory`: at most 155 bytes ("memberd-data/photo"); `name`: at most
  // 100 bytes, no '/'. Longer ones, or a NUL in either: std::invalid_argument
  // (the caller chose them; a plugin's file names are checked before).
  void add(std::string_view directory, std::string_view name, std::string_view bytes, std::int64_t mtime);
  // The archive, with its two closing zero blocks; the writer is empty after.
  std::string finish();

 private:
  std::string out_;
};

}  // namespace memberd
