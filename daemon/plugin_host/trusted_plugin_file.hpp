#pragma once
// Reads a plugin file only if nobody but root and the daemon's own user could
// have put it there.
//
// A plugin's code runs inside the daemon the moment dlopen() maps it (ELF
// constructors run before any export is read), so the build signature can
// never protect against a malicious library: only who may write the file can.
// The rule is OpenSSH's for its keys (ASVS 5.0 V15, "dependencies and
// components are from trusted sources"): the file, and every directory from
// the one holding it up to plugins.dir, must be owned by root or the daemon's
// uid and writable by neither group nor others. A symlink is followed one
// component at a time, as the kernel follows it: every directory an entry is
// looked up in on the way (the one each link of a chain lives in, and each
// directory from "/" down for an absolute target) must pass the same test,
// for whoever may replace an entry on the way chooses where the chain ends.
// A sticky directory such as /tmp passes when the entry looked up in it is
// root's or the daemon's: only they may replace that entry there.
//
// The directories above plugins.dir are the operator's; they are not refused
// but reported (plugins_dir_warnings) when others could replace plugins.dir.
//
// The bytes are read from the descriptor that was checked, so the file
// cannot be swapped between the check and the read; the caller stages and
// loads those bytes, never the path.
#include <filesystem>
#include <string>
#include <vector>

namespace memberd {

// The file's content. Throws PluginLoadError naming the offending path, its
// owner or mode, and the rule, e.g. "refusing credentials.so:
// /srv/plugins is writable by group and others (mode 0777) ...".
std::string read_trusted_plugin_file(const std::filesystem::path& file, const std::filesystem::path& plugins_dir);

// The canonical path of a program a plugin ships in plugins.dir (SDK
// Host::plugin_program), after the same check, and that the daemon's user
// may execute it. The path, not a descriptor, is handed on: the directories
// holding it passed the rule, so nobody else can swap the file at that path.
// Throws PluginLoadError as above.
std::string trusted_plugin_program(const std::filesystem::path& program, const std::filesystem::path& plugins_dir);

// One sentence for each directory on the way to plugins.dir (its parents,
// and where a symlink to it leads) that someone other than root and the
// daemon's user could change, for the start's log and --check-config; empty
// when there is none or plugins.dir does not exist.
std::vector<std::string> plugins_dir_warnings(const std::filesystem::path& plugins_dir);

}  // namespace memberd
