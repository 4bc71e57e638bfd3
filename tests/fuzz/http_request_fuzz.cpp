// The bytes of a connection, read the way the transport reads them
// (daemon/transport/http_server.cpp: find_header_end, read_body): the header
// block up to its blank line, Beast's request_parser with eager(false), the
// framing rules (http_framing.hpp), then the body under its limit, then the
// next pipelined request on a kept-alive connection.
//
// Beyond "no crash, no sanitizer report", what is checked is what request
// smuggling breaks: once a header passes framing_problem(), where its body
// ends must follow from the header alone, and Beast and the server must agree
// on where the header itself ended.
#define BOOST_BEAST_USE_STD_STRING_VIEW
#include "transport/http_framing.hpp"

#include "fuzz_check.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <strings.h>

#include <charconv>
#include <limits>
#include <optional>
#include <string_view>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// The defaults of http.max_header_bytes and http.max_body_bytes.
constexpr std::size_t kMaxHeaderBytes = 8192;
constexpr std::uint64_t kMaxBodyBytes = 1'048'576;
// Enough for a smuggled request behind a smuggled request.
constexpr int kMaxPipelined = 8;

bool named(std::string_view name, std::string_view expected) {
  return name.size() == expected.size() && strncasecmp(name.data(), expected.data(), name.size()) == 0;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Whether a Content-Length field says `length` and nothing else: digits, or
// a list of the same digits ("3, 3"), which RFC 9110 8.6 lets a recipient
// read as one value: every reader then agrees where the body ends.
bool says_length(std::string_view field, std::uint64_t length) {
  bool any = false;
  while (true) {
    const auto comma = field.find(',');
    const auto item = trimmed(field.substr(0, comma));
    if (!item.empty()) {
      // 1*DIGIT: leading zeros allowed; a value past 2^64 - 1 is none.
      std::uint64_t value = 0;
      const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), value);
      if (error != std::errc{} || end != item.data() + item.size() || value != length) return false;
      any = true;
    }
    if (comma == std::string_view::npos) return any;
    field.remove_prefix(comma + 1);
  }
}

// The bytes one request took, or 0 when the connection ends with it
// (refused, incomplete, or not kept alive).
std::size_t one_request(std::string_view data, bool& keep_alive) {
  keep_alive = false;
  const auto end = data.find("\r\n\r\n");
  if (end == std::string_view::npos || end + 4 > kMaxHeaderBytes) return 0;
  const std::size_t header_size = end + 4;

  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(kMaxHeaderBytes));
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  parser.eager(false);
  beast::error_code ec;
  const std::size_t used = parser.put(asio::buffer(data.data(), header_size), ec);
  if (ec || !parser.is_header_done()) return 0;
  // The server drops header_size bytes from its buffer whatever put() says:
  // if Beast's header ended elsewhere, the body would start elsewhere too.
  FUZZ_CHECK(used == header_size);

  memberd::RequestHead head;
  head.version = parser.get().version();
  head.raw = data.substr(0, header_size);
  for (const auto& field : parser.get()) head.headers.emplace_back(field.name_string(), field.value());
  if (memberd::framing_problem(head)) return 0;

  // A header that passed: one way to find the body's end, and Beast takes it.
  bool has_coding = false;
  std::optional<std::string_view> length_field;
  for (const auto& [name, value] : head.headers) {
    if (named(name, "Transfer-Encoding")) has_coding = true;
    if (named(name, "Content-Length")) length_field = value;
  }
  FUZZ_CHECK(parser.chunked() == has_coding);
  const auto length = parser.content_length();
  if (!has_coding) {
    if (length_field) {
      FUZZ_CHECK(length && says_length(*length_field, *length));
    } else {
      FUZZ_CHECK(!length && parser.is_done());  // neither: the request has no body
    }
  }
  FUZZ_CHECK(!parser.need_eof());  // a request body never runs to the end of the connection

  if (length && *length > kMaxBodyBytes) return 0;  // 413 before a byte of the body is read
  parser.body_limit(kMaxBodyBytes);
  std::size_t at = header_size;
  while (!parser.is_done()) {
    const std::size_t n = parser.put(asio::buffer(data.data() + at, data.size() - at), ec);
    FUZZ_CHECK(n <= data.size() - at);
    at += n;
    if (ec && ec != http::error::need_more) return 0;  // refused: 400 or 413
    // No progress: the server would wait for more bytes, which never come.
    if (n == 0) return 0;
  }
  const std::size_t body_bytes = at - header_size;
  FUZZ_CHECK(parser.get().body().size() <= body_bytes);
  if (length) FUZZ_CHECK(parser.get().body().size() == *length && body_bytes == *length);
  keep_alive = parser.keep_alive();
  return at;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest = memberd::fuzz::text_of(data, size);
  for (int i = 0; i < kMaxPipelined && !rest.empty(); ++i) {
    bool keep_alive = false;
    const std::size_t used = one_request(rest, keep_alive);
    if (used == 0 || !keep_alive) break;
    rest.remove_prefix(used);
  }
  return 0;
}
