#include "ctl/daemon_client.hpp"

#include <httplib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#ifndef MEMBERD_VERSION
#define MEMBERD_VERSION "0.0.0-dev"
#endif

namespace memberd::ctl {
namespace {

// A reload runs the plugin's migrations and start(); give it time, but never
// hang an operator's shell (or a deploy script) forever.
constexpr time_t connect_timeout_s = 5;
constexpr time_t read_timeout_s = 120;

// httplib only says "Connection"; the file system says why, which is what an
// operator can act on.
std::string explain_unreachable(const std::string& path, httplib::Error err) {
  const std::string where = "memberd socket " + path;
  struct stat st {};
  if (err == httplib::Error::Connection ||
      err == httplib::Error::ConnectionTimeout) {
    if (stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT)
        return "cannot reach memberd: no socket at " + path +
               " (is the daemon running? see --socket, MEMBERD_SOCKET or "
               "--config)";
      return "cannot reach memberd: " + where + ": " + std::strerror(errno);
    }
    if (!S_ISSOCK(st.st_mode))
      return "cannot reach memberd: " + path + " is not a socket";
    if (access(path.c_str(), R_OK | W_OK) != 0 && errno == EACCES)
      return "cannot reach memberd: permission denied on " + path +
             " (run as root or as the daemon's user, or join its group)";
    if (err == httplib::Error::ConnectionTimeout)
      return "cannot reach memberd: connecting to " + where + " timed out";
    return "cannot reach memberd: " + where +
           " refuses connections (a stale socket from a stopped daemon?)";
  }
  if (err == httplib::Error::Read)
    return "memberd at " + path +
           " closed the connection or did not answer within " +
           std::to_string(read_timeout_s) + " s";
  return "cannot talk to memberd at " + path + ": " + httplib::to_string(err);
}

Outcome to_outcome(const httplib::Result& result, const std::string& path,
                   const std::string& origin) {
  if (!result)
    return {std::nullopt, explain_unreachable(path, result.error()) +
                              " [socket path from " + origin + "]"};
  Reply reply;
  reply.status = result->status;
  reply.content_type = result->get_header_value("Content-Type");
  reply.body = result->body;
  return {std::move(reply), {}};
}

}  // namespace

DaemonClient::DaemonClient(std::string socket_path, std::string origin)
    : socket_path_(std::move(socket_path)),
      origin_(std::move(origin)),
      // (host, port) rather than the one-string constructor: that one parses
      // its argument as scheme://host:port and would mangle some paths.
      client_(std::make_unique<httplib::Client>(socket_path_, 80)) {
  client_->set_address_family(AF_UNIX);
  client_->set_connection_timeout(connect_timeout_s);
  client_->set_read_timeout(read_timeout_s);
  client_->set_write_timeout(read_timeout_s);
  // The Host header would otherwise be the socket's file path.
  client_->set_default_headers({{"Host", "localhost"},
                                {"Accept", "application/json"},
                                {"User-Agent", "memberctl/" MEMBERD_VERSION}});
}

DaemonClient::~DaemonClient() = default;

Outcome DaemonClient::get(const std::string& target) {
  return to_outcome(client_->Get(target), socket_path_, origin_);
}

Outcome DaemonClient::post(const std::string& target,
                           const std::string& json_body) {
  if (json_body.empty())
    return to_outcome(client_->Post(target), socket_path_, origin_);
  return to_outcome(client_->Post(target, json_body, "application/json"),
                    socket_path_, origin_);
}

Outcome DaemonClient::del(const std::string& target) {
  return to_outcome(client_->Delete(target), socket_path_, origin_);
}

std::string url_encode(const std::string& text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') ||
        (u >= '0' && u <= '9') || u == '-' || u == '.' || u == '_' ||
        u == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 0x0F];
    }
  }
  return out;
}

}  // namespace memberd::ctl
