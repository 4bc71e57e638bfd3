#include "plugin_host/trusted_plugin_file.hpp"

#include "plugin_host/plugin_library.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace memberd {

namespace fs = std::filesystem;

namespace {

// Closes a descriptor on every path out, throwing ones included.
struct Descriptor {
  int fd = -1;
  explicit Descriptor(int f) : fd(f) {}
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
};

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

[[noreturn]] void refuse(const fs::path& file, const std::string& why) {
  throw PluginLoadError("refusing " + file.filename().string() + ": " + why +
                        "; a plugin file and the directories holding it must be owned by root or the daemon's user "
                        "(uid " + std::to_string(::geteuid()) + ") and writable by no one else");
}

// Who may replace what `st` describes: its owner, and group or others if
// their write bits are set.
void require_trusted(const fs::path& file, const fs::path& path, const struct stat& st) {
  if (st.st_uid != 0 && st.st_uid != ::geteuid())
    refuse(file, path.string() + " is owned by uid " + std::to_string(st.st_uid));
  const bool group = st.st_mode & S_IWGRP, others = st.st_mode & S_IWOTH;
  if (group || others)
    refuse(file, path.string() + " is writable by " + (group && others ? "group and others" : group ? "group" : "others") +
                     " (mode " + octal_mode(st.st_mode) + ")");
}

void require_trusted_directory(const fs::path& file, const fs::path& dir) {
  // O_NOFOLLOW: `dir` is canonical, so a symlink here means it was swapped
  // after canonicalisation — refuse rather than follow it.
  Descriptor d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  struct stat st {};
  if (d.fd < 0 || ::fstat(d.fd, &st) != 0) refuse(file, "cannot inspect " + dir.string() + " (" + std::strerror(errno) + ")");
  require_trusted(file, dir, st);
}

bool is_within(const fs::path& path, const fs::path& dir) {
  auto [d, p] = std::mismatch(dir.begin(), dir.end(), path.begin(), path.end());
  return d == dir.end();
}

// The file's canonical path once it and the directories holding it passed
// the rule; throws PluginLoadError otherwise.
fs::path trusted_location(const fs::path& file, const fs::path& plugins_dir, const char* what) {
  std::error_code ec;
  fs::path dir = fs::canonical(plugins_dir, ec);
  if (ec) throw PluginLoadError("plugins.dir " + plugins_dir.string() + " cannot be opened: " + ec.message());
  fs::path real = fs::canonical(file, ec);
  if (ec || !fs::is_regular_file(real, ec))
    throw PluginLoadError(std::string("no ") + what + " " + file.filename().string() + " in plugins.dir");

  // The directories an attacker could rename entries in: plugins.dir and
  // everything between it and the file, and for a symlink leading out of
  // plugins.dir also the directory holding its target.
  require_trusted_directory(file, dir);
  if (is_within(real, dir)) {
    for (fs::path at = real.parent_path(); at != dir && is_within(at, dir); at = at.parent_path())
      require_trusted_directory(file, at);
  } else {
    require_trusted_directory(file, real.parent_path());
  }
  return real;
}

}  // namespace

std::string read_trusted_plugin_file(const fs::path& file, const fs::path& plugins_dir) {
  fs::path real = trusted_location(file, plugins_dir, "plugin file");
  Descriptor f(::open(real.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  struct stat st {};
  if (f.fd < 0 || ::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode))
    throw PluginLoadError("cannot read " + file.filename().string() + " (" + std::strerror(errno) + ")");
  require_trusted(file, real, st);

  // One read loop into a buffer of the file's size: a hot swap should not
  // spend tens of milliseconds on stream copies of a few MiB.
  std::string content(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < content.size()) {
    ssize_t n = ::read(f.fd, content.data() + got, content.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw PluginLoadError("cannot read " + file.filename().string() + " (it changed size while being read)");
    got += static_cast<std::size_t>(n);
  }
  return content;
}

std::string trusted_plugin_program(const fs::path& program, const fs::path& plugins_dir) {
  fs::path real = trusted_location(program, plugins_dir, "program");
  struct stat st {};
  if (::stat(real.c_str(), &st) != 0) throw PluginLoadError("cannot inspect " + program.filename().string());
  require_trusted(program, real, st);
  // The daemon runs it under its own uid: it needs the execute bit for that.
  if (::access(real.c_str(), X_OK) != 0)
    throw PluginLoadError(program.filename().string() + " is not executable by the daemon's user (mode " +
                          octal_mode(st.st_mode) + ")");
  return real.string();
}

}  // namespace memberd
