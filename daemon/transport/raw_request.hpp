#pragma once
// A request as the transport received it, before routing. The HTTP server
// (http_server.cpp, the one file with Asio and Beast) adapts Beast's parsed
// request to this, so that nothing past it includes a Boost.Beast header.
#include <optional>
#include <string>
#include <string_view>

namespace memberd {

enum class Door { tcp, unix_socket };

class RawRequest {
 public:
  virtual ~RawRequest() = default;
  virtual std::string_view method() const = 0;
  virtual std::string_view path() const = 0;
  virtual std::optional<std::string> header(std::string_view name) const = 0;
  virtual std::optional<std::string> query(std::string_view name) const = 0;
  virtual const std::string& body() const = 0;
  virtual std::string_view peer_ip() const = 0;
  virtual Door door() const = 0;
  // On the Unix socket: whether the peer runs as root or as the daemon's own user.
  virtual bool peer_is_operator() const = 0;
  virtual bool secure() const = 0;  // arrived over TLS
};

}  // namespace memberd
