#pragma once
// A response as the bytes that go on the wire: status line, header fields
// and body in one buffer, for one write. (Beast's serializer kept its own
// copy of every field and wrote through a chain of buffer sequences; one
// string is a third of that work on the hot path.)
#include <memberd/response.hpp>

#include <cstddef>
#include <string>

namespace memberd {

struct WireResponse {
  std::string bytes;
  // Header fields left out because their name is not an HTTP token or their
  // value holds CR, LF or NUL: sent as given they would split the response
  // (header injection). A handler's bug, for the caller to log.
  std::size_t dropped_fields = 0;
};

// `version` is 10 or 11 (the request's); `keep_alive` whether the
// connection stays open after this response, said the way that version
// expects (`Connection: close` on 1.1, `Connection: keep-alive` on 1.0).
// Content-Length is always computed here (a handler's own is ignored, as is
// its Connection); 1xx, 204 and 304 carry no body and no length (RFC 9110
// 8.6). Content-Type is `response.content_type` when there is a body.
// `answers_head`: the response to a HEAD request keeps the GET's fields and
// Content-Length but sends no body (RFC 9110 9.3.2) — a body there would be
// read by the client as the start of the next response.
WireResponse to_wire(Response response, unsigned version, bool keep_alive, bool answers_head);

// The reason phrase for a status code ("Not Found"), "Unknown" for codes
// RFC 9110 does not name.
const char* reason_phrase(int status);

}  // namespace memberd
