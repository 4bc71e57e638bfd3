#include "support/tar_reader.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace memberd::test {

namespace {

std::string field(const char* at, std::size_t width) { return std::string(at, strnlen(at, width)); }

unsigned long long octal(const char* at, std::size_t width) {
  return std::strtoull(field(at, width).c_str(), nullptr, 8);
}

}  // namespace

std::map<std::string, std::string> read_tar(const std::string& archive) {
  std::map<std::string, std::string> files;
  std::size_t at = 0;
  REQUIRE(archive.size() % 512 == 0);
  while (at + 512 <= archive.size()) {
    const char* header = archive.data() + at;
    if (std::all_of(header, header + 512, [](char c) { return c == 0; })) break;  // the closing blocks
    unsigned sum = 0;
    for (std::size_t i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(header[i]);
    REQUIRE(octal(header + 148, 8) == sum);
    REQUIRE(field(header + 257, 6) == "ustar");
    std::string prefix = field(header + 345, 155), name = field(header + 0, 100);
    auto size = octal(header + 124, 12);
    REQUIRE(header[156] == '0');
    REQUIRE(at + 512 + size <= archive.size());
    files[prefix.empty() ? name : prefix + "/" + name] = archive.substr(at + 512, size);
    at += 512 + (size + 511) / 512 * 512;
  }
  return files;
}

}  // namespace memberd::test
