#pragma once
// <data_dir>/plugins, where the checked bytes of each plugin file are copied
// before they are loaded (plugin_library.hpp says why a copy), and one copy
// in it.
//
// Whoever may write that directory could put another file at a copy's path
// between its check and dlopen(), and the daemon (root, often) would run that
// file's constructors. Two defences, each enough on its own: the directory
// must be the daemon's own (owned by its user, writable by no one else), and
// a copy is loaded through the descriptor that wrote and checked it
// (/proc/self/fd/N), never by its name, so no path can change what is mapped.
#include "plugin_host/file_descriptor.hpp"

#include <filesystem>
#include <string>

namespace memberd {

struct StagedCopy {
  // Where the copy is: for the dynamic loader's records ("is it still
  // mapped?") and for its removal, never for loading.
  std::filesystem::path path;
  FileDescriptor file;  // the copy as written and checked
};

// Opens the staging directory, creating it (mode 0700) when missing.
// Throws PluginLoadError naming `dir` when it is a symlink, is owned by
// anyone but the daemon's user, or is writable by group or others: the
// start refuses such a directory, and so does every load. A directory that
// passes is set to mode 0700.
FileDescriptor open_staging_dir(const std::filesystem::path& dir);

// Writes `bytes` to a new file `name` (mode 0600) in `dir`, through a
// descriptor that is then checked (a regular file of the daemon's user that
// no one else may read or write, of the size written). Throws PluginLoadError
// with the system's reason ("No space left on device"); a partial copy is
// removed.
StagedCopy stage_copy(const std::filesystem::path& dir, const std::string& name, const std::string& bytes);

// The name dlopen() is given for `copy`: its descriptor's entry under
// /proc/self/fd, which opens the file the descriptor holds whatever is at
// `copy.path` by now. Needs /proc (mounted on every systemd host).
std::string loadable_path(const StagedCopy& copy);

}  // namespace memberd
