#include "ctl/socket_path.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <stdexcept>

namespace memberd::ctl {
namespace {

// Kept in step with the daemon's default for `socket.path`.
constexpr const char* default_socket_path = "run/memberd.sock";

std::optional<std::string> socket_path_from_config(const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    throw std::runtime_error("cannot read config file " + file);
  } catch (const YAML::Exception& e) {
    // e.what() carries line:column, which is what the operator needs.
    throw std::runtime_error("config file " + file + ": " + e.what());
  }
  try {
    const YAML::Node socket = root["socket"];
    if (!socket || !socket.IsMap()) return std::nullopt;
    const YAML::Node path = socket["path"];
    if (!path) return std::nullopt;
    // "" (or a bare `path:`, which the daemon reads as "") switches the
    // socket off; falling back to the default path would only produce a
    // puzzling "no socket" later.
    auto value = path.IsNull() ? std::string() : path.as<std::string>();
    if (value.empty())
      throw std::runtime_error("socket.path is empty in " + file +
                               ": the daemon's socket is disabled");
    return value;
  } catch (const YAML::Exception& e) {
    throw std::runtime_error("config file " + file +
                             ": socket.path: " + e.what());
  }
}

}  // namespace

SocketChoice resolve_socket_path(
    const std::optional<std::string>& flag,
    const std::optional<std::string>& config_file) {
  if (flag && !flag->empty()) return {*flag, "--socket"};
  if (const char* env = std::getenv("MEMBERD_SOCKET"); env && *env)
    return {env, "MEMBERD_SOCKET"};
  if (config_file) {
    if (auto path = socket_path_from_config(*config_file))
      return {*path, "socket.path in " + *config_file};
  }
  return {default_socket_path, "built-in default"};
}

}  // namespace memberd::ctl
