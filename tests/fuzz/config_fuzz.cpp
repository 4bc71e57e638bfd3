// The configuration as `memberd --config FILE --set k=v ...` loads it
// (daemon/config/config_loader.cpp, overrides.cpp, core_reader.cpp): the
// input up to a line "#--set" is the file, each line after it one --set.
// The file is handed over through a memfd, so nothing touches the disk.
//
// Checked: load_config returns or throws ConfigError. main() catches only
// that, so any other exception is a daemon that dies at start without
// saying where its configuration is wrong. Run with -rss_limit_mb and
// -timeout (scripts/fuzz.sh does): input that makes yaml-cpp grow without
// bound is a finding too (issue 26, F2).
#include "config/config_loader.hpp"

#include "fuzz_check.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace {

// One memfd for the process: its /proc path is what load_config opens.
struct ConfigFile {
  int fd = memfd_create("memberd-fuzz-config", MFD_CLOEXEC);
  std::string path = "/proc/self/fd/" + std::to_string(fd);
};

const ConfigFile& config_file() {
  static const ConfigFile file;
  FUZZ_CHECK(file.fd >= 0);
  return file;
}

void write_config(std::string_view text) {
  const int fd = config_file().fd;
  FUZZ_CHECK(ftruncate(fd, 0) == 0);
  FUZZ_CHECK(pwrite(fd, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = memberd::fuzz::text_of(data, size);
  constexpr std::string_view kSeparator = "\n#--set\n";
  const auto split = input.find(kSeparator);
  write_config(input.substr(0, split));

  std::vector<std::string> overrides;
  if (split != std::string_view::npos) {
    std::string_view rest = input.substr(split + kSeparator.size());
    while (!rest.empty() && overrides.size() < 8) {
      const auto end = rest.find('\n');
      overrides.emplace_back(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    }
  }
  try {
    (void)memberd::load_config(config_file().path, overrides);
  } catch (const memberd::ConfigError& e) {
    FUZZ_CHECK(!e.problems().empty());  // a refusal always says why
  }
  return 0;
}
