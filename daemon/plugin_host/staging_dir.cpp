#include "plugin_host/staging_dir.hpp"

#include "plugin_host/plugin_library.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace memberd {

namespace {

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

[[noreturn]] void refuse_staging_dir(const std::filesystem::path& dir, const std::string& why) {
  throw PluginLoadError(dir.string() + ", where plugins are staged before they are loaded, " + why +
                        ": it must be a directory owned by the daemon's user (uid " + std::to_string(::geteuid()) +
                        ") and writable by no one else, or a plugin could be replaced between its check and its load "
                        "(chown it to the daemon's user, or remove it and the daemon creates it)");
}

[[noreturn]] void cannot_stage(const std::string& name, int error) {
  throw PluginLoadError("cannot stage a copy of " + name + " in the data directory: " + std::strerror(error));
}

}  // namespace

FileDescriptor open_staging_dir(const std::filesystem::path& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw PluginLoadError("cannot prepare " + dir.string() + " for staged plugins: " + std::strerror(errno));
  // O_NOFOLLOW: a link would put the copies wherever its owner chose.
  FileDescriptor d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!d.valid()) {
    if (errno == ELOOP || errno == ENOTDIR) refuse_staging_dir(dir, "is not a directory but a symlink or a file");
    throw PluginLoadError("cannot open " + dir.string() + " for staged plugins: " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(d.get(), &st) != 0)
    throw PluginLoadError("cannot inspect " + dir.string() + " for staged plugins: " + std::strerror(errno));
  if (st.st_uid != ::geteuid()) refuse_staging_dir(dir, "is owned by uid " + std::to_string(st.st_uid));
  const bool group = st.st_mode & S_IWGRP, others = st.st_mode & S_IWOTH;
  if (group || others)
    refuse_staging_dir(dir, std::string("is writable by ") + (group && others ? "group and others" : group ? "group" : "others") +
                                " (mode " + octal_mode(st.st_mode) + ")");
  // The copies are for the daemon alone to read, too.
  if ((st.st_mode & 07777) != 0700 && ::fchmod(d.get(), 0700) != 0)
    throw PluginLoadError("cannot set " + dir.string() + " to mode 0700: " + std::strerror(errno));
  return d;
}

StagedCopy stage_copy(const std::filesystem::path& dir, const std::string& name, const std::string& bytes) {
  FileDescriptor at = open_staging_dir(dir);
  const std::string temp = name + ".part";
  ::unlinkat(at.get(), temp.c_str(), 0);  // left by a crash mid-copy
  // Created afresh (O_EXCL): no one else holds a descriptor to this file.
  FileDescriptor file(::openat(at.get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  int error = file.valid() ? 0 : errno;
  for (std::size_t written = 0; error == 0 && written < bytes.size();) {
    ssize_t n = ::write(file.get(), bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) error = n < 0 ? errno : EIO;
    else written += static_cast<std::size_t>(n);
  }
  if (error == 0 && ::renameat(at.get(), temp.c_str(), at.get(), name.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlinkat(at.get(), temp.c_str(), 0);
    // The reason is what the operator acts on: "No space left on device".
    cannot_stage(temp, error);
  }
  // The check that the copy to be loaded is the daemon's private file with
  // the bytes written: the descriptor is what is loaded, so this is what runs.
  struct stat st {};
  if (::fstat(file.get(), &st) != 0) cannot_stage(name, errno);
  if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 077) != 0 ||
      st.st_size != static_cast<off_t>(bytes.size()))
    throw PluginLoadError("the staged copy " + name + " is not the file the daemon wrote (owner uid " +
                          std::to_string(st.st_uid) + ", mode " + octal_mode(st.st_mode) + ", " +
                          std::to_string(st.st_size) + " bytes)");
  return {dir / name, std::move(file)};
}

std::string loadable_path(const StagedCopy& copy) { return "/proc/self/fd/" + std::to_string(copy.file.get()); }

}  // namespace memberd
