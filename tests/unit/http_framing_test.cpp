#include "transport/http_framing.hpp"

#include <catch2/catch.hpp>

using memberd::framing_problem;
using memberd::RequestHead;

namespace {

RequestHead head(std::vector<std::pair<std::string_view, std::string_view>> headers, int version = 11,
                 std::string_view raw = "POST / HTTP/1.1\r\nHost: x\r\n\r\n") {
  RequestHead h;
  h.version = version;
  h.headers = std::move(headers);
  h.raw = raw;
  return h;
}

}  // namespace

TEST_CASE("sound framing passes", "[transport][framing]") {
  CHECK(!framing_problem(head({{"Host", "x"}, {"Content-Length", "4"}})));
  CHECK(!framing_problem(head({{"Host", "x"}, {"Transfer-Encoding", "chunked"}})));
  CHECK(!framing_problem(head({{"Host", "x"}, {"Transfer-Encoding", "gzip, Chunked"}})));
  CHECK(!framing_problem(head({}, 10, "GET / HTTP/1.0\r\n\r\n")));
}

TEST_CASE("smuggling shapes are refused", "[transport][framing]") {
  // The last coding decides where the body ends: it must be chunked.
  CHECK(framing_problem(head({{"Host", "x"}, {"Transfer-Encoding", "chunked, identity"}})));
  CHECK(framing_problem(head({{"Host", "x"}, {"Transfer-Encoding", "xchunked"}})));
  CHECK(framing_problem(head({{"Host", "x"}, {"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "identity"}})));
  CHECK(framing_problem(head({{"Host", "x"}, {"Transfer-Encoding", "chunked"}, {"Content-Length", "4"}})));
  CHECK(framing_problem(head({{"Host", "x"}, {"Content-Length", "4"}, {"Content-Length", "4"}})));
  CHECK(framing_problem(head({{"Transfer-Encoding", "chunked"}}, 10, "POST / HTTP/1.0\r\n\r\n")));
}

TEST_CASE("HTTP/1.1 needs exactly one Host, and nothing is folded", "[transport][framing]") {
  CHECK(framing_problem(head({})));
  CHECK(framing_problem(head({{"Host", "a"}, {"Host", "b"}})));
  CHECK(framing_problem(head({{"Host", "x"}, {"X-A", "b"}}, 11, "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n")));
  CHECK(framing_problem(head({{"Host", "x"}}, 11, "GET / HTTP/1.1\r\nHost: x\r\n\tfolded\r\n\r\n")));
}
