#pragma once
// Reads a ustar archive ("Download my data") as the member's tools would:
// each regular file's path (prefix/name) and bytes. FAILs the test on a
// malformed header (a bad checksum, a size past the end).
#include <map>
#include <string>

namespace memberd::test {

std::map<std::string, std::string> read_tar(const std::string& archive);

}  // namespace memberd::test
