#pragma once
// memberctl's only way to the daemon: HTTP over its Unix socket, where a peer
// running as root or as the daemon's user is an operator without a token.
// Kept apart from memberctl.cpp so only this TU pays for httplib.h.

#include <memory>
#include <optional>
#include <string>

namespace httplib {
class Client;
}

namespace memberd::ctl {

struct Reply {
  int status = 0;
  std::string content_type;
  std::string body;
};

// Either a reply (whatever its status) or, when the daemon could not be
// reached or hung up, a message that names the socket and the likely cause.
struct Outcome {
  std::optional<Reply> reply;
  std::string error;
};

class DaemonClient {
 public:
  // `origin` says where the path came from; it is added to "cannot reach"
  // messages so a wrong MEMBERD_SOCKET or config is easy to spot.
  DaemonClient(std::string socket_path, std::string origin);
  ~DaemonClient();
  DaemonClient(const DaemonClient&) = delete;
  DaemonClient& operator=(const DaemonClient&) = delete;

  // `target` is the path with its query string, already percent-encoded.
  Outcome get(const std::string& target);
  // An empty body is sent as no body at all (the reload endpoint takes none).
  Outcome post(const std::string& target, const std::string& json_body);
  Outcome del(const std::string& target);

  const std::string& socket_path() const { return socket_path_; }

 private:
  std::string socket_path_;
  std::string origin_;
  std::unique_ptr<httplib::Client> client_;
};

// Percent-encodes everything but RFC 3986 unreserved characters, for query
// values and path segments alike.
std::string url_encode(const std::string& text);

}  // namespace memberd::ctl
