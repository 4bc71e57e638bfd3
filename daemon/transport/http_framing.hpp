#pragma once
// The request-framing rules the HTTP parser does not enforce by itself
// (Beast 1.74 accepts `Transfer-Encoding: chunked, identity` as a request
// without a body, obsolete line folding, and HTTP/1.1 without Host; see
// TOOLCHAIN.md). Each of them lets a proxy in front and memberd disagree on
// where a request ends — request smuggling — so each is a 400 and the
// connection is closed (RFC 9112 6.1, 6.3; RFC 9110 7.2).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace memberd {

struct RequestHead {
  int version = 11;  // 10 or 11
  // Views into the parser's fields, which outlive the check.
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view raw;  // the header block as received, request line included
};

struct FramingProblem {
  int status = 400;    // 400, or 501 for a transfer coding memberd does not implement
  std::string detail;  // a sentence for the problem's detail
};

// Why the request's framing is refused, or nullopt when it is sound. 400:
//   - a header line that starts with a space or tab (obsolete line folding);
//   - Transfer-Encoding on HTTP/1.0, together with Content-Length, with a
//     coding that is not a bare token (Beast then silently sees no body),
//     or whose last coding is not exactly `chunked`;
//   - more than one Content-Length;
//   - HTTP/1.1 without exactly one Host.
// 501 (RFC 9112 6.1) for a well-formed list with codings besides `chunked`
// ("gzip, chunked"): nothing here would undo them, and a handler would get
// the compressed bytes as the body.
std::optional<FramingProblem> framing_problem(const RequestHead& head);

}  // namespace memberd
