#include "plugin_host/trusted_plugin_file.hpp"

#include "plugin_host/file_descriptor.hpp"
#include "plugin_host/plugin_library.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>

namespace memberd {

namespace fs = std::filesystem;

namespace {

// What the kernel allows a path to go through (MAXSYMLINKS on Linux).
constexpr int kMaxLinks = 40;

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

bool trusted_owner(uid_t uid) { return uid == 0 || uid == ::geteuid(); }

std::string writers(const struct stat& st) {
  const bool group = st.st_mode & S_IWGRP, others = st.st_mode & S_IWOTH;
  return group && others ? "group and others" : group ? "group" : "others";
}

// Why someone other than root and the daemon's user could replace what
// `st` describes (its owner, and group or others if their write bits are
// set); "" when nobody else can.
std::string untrusted(const fs::path& path, const struct stat& st) {
  if (!trusted_owner(st.st_uid)) return path.string() + " is owned by uid " + std::to_string(st.st_uid);
  if (st.st_mode & (S_IWGRP | S_IWOTH))
    return path.string() + " is writable by " + writers(st) + " (mode " + octal_mode(st.st_mode) + ")";
  return {};
}

// Why someone other than root and the daemon's user could replace the
// entry `entry` of directory `dir` (rename or unlink it, put another in its
// place); "" when nobody else can. In a sticky directory such as /tmp only
// the entry's owner, the directory's owner and root may do that, so there
// the entry's owner counts instead of the write bits.
std::string replaceable(const fs::path& dir, const struct stat& dir_st, const fs::path& entry,
                        const struct stat& entry_st) {
  if (!trusted_owner(dir_st.st_uid)) return untrusted(dir, dir_st);
  if (!(dir_st.st_mode & (S_IWGRP | S_IWOTH))) return {};
  if ((dir_st.st_mode & S_ISVTX) && trusted_owner(entry_st.st_uid)) return {};
  std::string why = untrusted(dir, dir_st);
  if (dir_st.st_mode & S_ISVTX) why += " and " + entry.string() + " in it is owned by uid " + std::to_string(entry_st.st_uid);
  return why;
}

// One step of a path walk: `entry` looked up in directory `dir`.
using LookupCheck = std::function<void(const fs::path& dir, const struct stat& dir_st, const fs::path& entry,
                                       const struct stat& entry_st)>;

// Follows `rest` from the canonical directory `start` one component at a
// time, as the kernel does, symlinks included (a link's target is walked
// the same way, from "/" when it is absolute), and hands every lookup to
// `check`: whoever may replace an entry that is looked up decides where the
// walk leads, so each directory a link lives in is checked, not only the
// directory at the end of the chain. Returns the canonical path reached;
// throws PluginLoadError saying `missing` when a component does not exist.
fs::path walk(const fs::path& start, const fs::path& rest, const LookupCheck& check, const std::string& missing) {
  std::deque<fs::path> pending(rest.begin(), rest.end());
  fs::path at = start;
  int links = 0;
  while (!pending.empty()) {
    fs::path name = pending.front();
    pending.pop_front();
    if (name.empty() || name == ".") continue;
    if (name == "/") {
      at = "/";
      continue;
    }
    if (name == "..") {
      at = at.parent_path();  // `at` is canonical: its parent is the real one ("/" stays "/")
      continue;
    }
    fs::path next = at / name;
    struct stat dir_st {}, st {};
    if (::lstat(at.c_str(), &dir_st) != 0 || ::lstat(next.c_str(), &st) != 0) throw PluginLoadError(missing);
    check(at, dir_st, next, st);
    if (S_ISLNK(st.st_mode)) {
      if (++links > kMaxLinks) throw PluginLoadError(missing + " (too many levels of symbolic links)");
      char target[PATH_MAX];
      ssize_t n = ::readlink(next.c_str(), target, sizeof target);
      if (n <= 0 || n == static_cast<ssize_t>(sizeof target)) throw PluginLoadError(missing);
      fs::path link(std::string(target, static_cast<std::size_t>(n)));
      pending.insert(pending.begin(), link.begin(), link.end());
      continue;
    }
    if (!pending.empty() && !S_ISDIR(st.st_mode)) throw PluginLoadError(missing);
    at = next;
  }
  return at;
}

// The file's canonical path once plugins.dir, every lookup from there to
// the file (links followed) and the file itself passed the rule; throws
// PluginLoadError otherwise. `file` is an entry of `plugins_dir`.
fs::path trusted_location(const fs::path& file, const fs::path& plugins_dir, const char* what) {
  std::error_code ec;
  fs::path dir = fs::canonical(plugins_dir, ec);
  if (ec) throw PluginLoadError("plugins.dir " + plugins_dir.string() + " cannot be opened: " + ec.message());
  // O_NOFOLLOW: `dir` is canonical, so a symlink here means it was swapped
  // after canonicalisation — refuse rather than follow it.
  FileDescriptor d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  struct stat st {};
  if (!d.valid() || ::fstat(d.get(), &st) != 0) refuse(file, "cannot inspect " + dir.string() + " (" + std::strerror(errno) + ")");
  if (auto why = untrusted(dir, st); !why.empty()) refuse(file, why);

  fs::path real = walk(
      dir, file.filename(),
      [&](const fs::path& in, const struct stat& in_st, const fs::path& entry, const struct stat& entry_st) {
        if (auto why = replaceable(in, in_st, entry, entry_st); !why.empty()) refuse(file, why);
      },
      std::string("no ") + what + " " + file.filename().string() + " in plugins.dir");
  if (!fs::is_regular_file(real, ec))
    throw PluginLoadError(std::string("no ") + what + " " + file.filename().string() + " in plugins.dir");
  return real;
}

}  // namespace

std::string read_trusted_plugin_file(const fs::path& file, const fs::path& plugins_dir) {
  fs::path real = trusted_location(file, plugins_dir, "plugin file");
  FileDescriptor f(::open(real.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  struct stat st {};
  if (!f.valid() || ::fstat(f.get(), &st) != 0 || !S_ISREG(st.st_mode))
    throw PluginLoadError("cannot read " + file.filename().string() + " (" + std::strerror(errno) + ")");
  if (auto why = untrusted(real, st); !why.empty()) refuse(file, why);

  // One read loop into a buffer of the file's size: a hot swap should not
  // spend tens of milliseconds on stream copies of a few MiB.
  std::string content(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < content.size()) {
    ssize_t n = ::read(f.get(), content.data() + got, content.size() - got);
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
  if (auto why = untrusted(real, st); !why.empty()) refuse(program, why);
  // The daemon runs it under its own uid: it needs the execute bit for that.
  if (::access(real.c_str(), X_OK) != 0)
    throw PluginLoadError(program.filename().string() + " is not executable by the daemon's user (mode " +
                          octal_mode(st.st_mode) + ")");
  return real.string();
}

std::vector<std::string> plugins_dir_warnings(const fs::path& plugins_dir) {
  std::vector<std::string> warnings;
  std::error_code ec;
  fs::path absolute = fs::absolute(plugins_dir, ec);
  if (ec) return warnings;
  try {
    walk(
        "/", absolute,
        [&](const fs::path& in, const struct stat& in_st, const fs::path& entry, const struct stat& entry_st) {
          if (auto why = replaceable(in, in_st, entry, entry_st); !why.empty())
            warnings.push_back("plugins.dir " + plugins_dir.string() + " is reached through " + in.string() +
                               ", which others may change: " + why +
                               "; whoever can write there can replace plugins.dir and every plugin in it");
        },
        "plugins.dir " + plugins_dir.string() + " does not exist");
  } catch (const PluginLoadError&) {
    // A missing plugins.dir is reported where plugin files are looked for.
  }
  return warnings;
}

}  // namespace memberd
