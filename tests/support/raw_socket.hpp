#pragma once
// Plain TCP to a test daemon on loopback, for what an HTTP client library
// will not send (a 2 GB Content-Length without the body, broken framing).
#include <string>

namespace memberd::test {

// A connected socket to 127.0.0.1:port with TCP_NODELAY (the test FAILs
// when it cannot connect). Close it with ::close().
int connect_loopback(int port);

// The same from another loopback address (`source`, such as "127.0.0.2":
// all of 127.0.0.0/8 is this machine), as a second client would connect.
int connect_loopback_from(const char* source, int port);

}  // namespace memberd::test
