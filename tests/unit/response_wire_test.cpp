#include "transport/response_wire.hpp"

#include <catch2/catch.hpp>

using memberd::Response;
using memberd::to_wire;

namespace {

Response json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace

TEST_CASE("a response is its status line, fields, length and body", "[transport][wire]") {
  auto r = json(200, R"({"ok":true})");
  r.headers.emplace_back("X-Request-Id", "abc");
  auto wire = to_wire(r, 11, true, false);
  CHECK(wire.bytes ==
        "HTTP/1.1 200 OK\r\nX-Request-Id: abc\r\nContent-Type: application/json; charset=utf-8\r\n"
        "Content-Length: 11\r\n\r\n{\"ok\":true}");
  CHECK(wire.dropped_fields == 0);
}

TEST_CASE("keep-alive is said the way each version expects", "[transport][wire]") {
  auto r = json(404, "x");
  CHECK(to_wire(r, 11, false, false).bytes.find("Connection: close\r\n") != std::string::npos);
  CHECK(to_wire(r, 11, true, false).bytes.find("Connection:") == std::string::npos);
  CHECK(to_wire(r, 10, true, false).bytes.rfind("HTTP/1.0 404 Not Found\r\n", 0) == 0);
  CHECK(to_wire(r, 10, true, false).bytes.find("Connection: keep-alive\r\n") != std::string::npos);
  CHECK(to_wire(r, 10, false, false).bytes.find("Connection:") == std::string::npos);
}

TEST_CASE("the transport owns the framing: a handler's length or connection is ignored", "[transport][wire]") {
  auto r = json(200, "four");
  r.headers.emplace_back("Content-Length", "400");
  r.headers.emplace_back("Transfer-Encoding", "chunked");
  r.headers.emplace_back("Connection", "keep-alive");
  auto bytes = to_wire(r, 11, false, false).bytes;
  CHECK(bytes.find("Content-Length: 4\r\n") != std::string::npos);
  CHECK(bytes.find("400") == std::string::npos);
  CHECK(bytes.find("chunked") == std::string::npos);
  CHECK(bytes.find("keep-alive") == std::string::npos);
}

TEST_CASE("204, 304 and 1xx carry neither body nor length", "[transport][wire]") {
  for (int status : {204, 304, 100}) {
    auto bytes = to_wire(json(status, "should not go"), 11, true, false).bytes;
    CHECK(bytes.find("Content-Length") == std::string::npos);
    CHECK(bytes.find("Content-Type") == std::string::npos);
    CHECK(bytes.substr(bytes.size() - 4) == "\r\n\r\n");
  }
}

TEST_CASE("an empty body has length 0 and no type", "[transport][wire]") {
  auto bytes = to_wire(json(200, ""), 11, true, false).bytes;
  CHECK(bytes == "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
}

TEST_CASE("the answer to HEAD keeps the length and sends no body", "[transport][wire]") {
  auto bytes = to_wire(json(200, "0123456789"), 11, true, true).bytes;
  CHECK(bytes.find("Content-Length: 10\r\n") != std::string::npos);
  CHECK(bytes.substr(bytes.size() - 4) == "\r\n\r\n");
  CHECK(bytes.find("0123456789") == std::string::npos);
}

TEST_CASE("fields that would split the response are dropped and counted", "[transport][wire][security]") {
  auto r = json(303, "");
  r.headers.emplace_back("Location", "/a\r\nSet-Cookie: session=evil");
  r.headers.emplace_back("Bad Name", "x");
  r.headers.emplace_back("X-Nul", std::string("a\0b", 3));
  r.headers.emplace_back("X-Fine", "yes");
  r.content_type = "text/plain\nX-Injected: 1";
  r.body = "body";
  auto wire = to_wire(r, 11, true, false);
  CHECK(wire.dropped_fields == 4);
  CHECK(wire.bytes.find("evil") == std::string::npos);
  CHECK(wire.bytes.find("Bad Name") == std::string::npos);
  CHECK(wire.bytes.find("X-Nul") == std::string::npos);
  CHECK(wire.bytes.find("X-Injected") == std::string::npos);
  CHECK(wire.bytes.find("X-Fine: yes\r\n") != std::string::npos);
}

TEST_CASE("a status outside 100-999 goes out as 500", "[transport][wire]") {
  CHECK(to_wire(json(42, "x"), 11, true, false).bytes.rfind("HTTP/1.1 500 Internal Server Error\r\n", 0) == 0);
  CHECK(to_wire(json(299, "x"), 11, true, false).bytes.rfind("HTTP/1.1 299 Unknown\r\n", 0) == 0);
}
