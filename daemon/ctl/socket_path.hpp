#pragma once
// Which Unix socket memberctl talks to, and why that one (for error messages).

#include <optional>
#include <string>

namespace memberd::ctl {

struct SocketChoice {
  std::string path;
  // Where the path came from ("--socket", "MEMBERD_SOCKET", "socket.path in
  // FILE", "built-in default"): an operator staring at "no socket at X" wants
  // to know why X.
  std::string source;
};

// Order: --socket, then env MEMBERD_SOCKET, then `socket.path` of --config,
// then the daemon's own default. A relative path stays relative to the
// current directory, as the daemon resolves it against its working directory.
// Throws std::runtime_error when the config file cannot be read or parsed.
SocketChoice resolve_socket_path(const std::optional<std::string>& flag,
                                 const std::optional<std::string>& config_file);

}  // namespace memberd::ctl
