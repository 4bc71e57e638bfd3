#pragma once
// Getting a new password to memberctl without putting it on the command line
// (argv is visible to every user through /proc and lands in shell history).

#include <optional>
#include <string>

namespace memberd::ctl {

struct PasswordInput {
  std::optional<std::string> password;
  std::string error;  // set when password is empty
};

// From env `env_name` when set and non-empty; else from stdin: on a terminal
// it is asked twice with echo off and both must match; from a pipe the first
// line is taken (so `printf '%s\n' "$pw" | memberctl create-admin ...` works).
PasswordInput read_new_password(const char* env_name);

}  // namespace memberd::ctl
