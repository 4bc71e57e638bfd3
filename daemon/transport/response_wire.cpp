#include "transport/response_wire.hpp"

#include <strings.h>

namespace memberd {

namespace {

// RFC 9110 5.6.2: tchar.
bool is_token(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!ok) {
      static constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
      ok = kSymbols.find(static_cast<char>(c)) != std::string_view::npos;
    }
    if (!ok) return false;
  }
  return true;
}

bool safe_value(std::string_view value) { return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos; }

bool named(const std::string& name, const char* expected) { return strcasecmp(name.c_str(), expected) == 0; }

bool has_no_body(int status) { return (status >= 100 && status < 200) || status == 204 || status == 304; }

void append_number(std::string& out, std::size_t n) {
  char digits[24];
  char* end = digits + sizeof digits;
  char* at = end;
  do {
    *--at = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  out.append(at, end);
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

}  // namespace

const char* reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 425: return "Too Early";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

WireResponse to_wire(Response response, unsigned version, bool keep_alive, bool answers_head) {
  WireResponse wire;
  int status = response.status >= 100 && response.status <= 999 ? response.status : 500;
  bool bodiless = has_no_body(status);
  if (bodiless) response.body.clear();

  std::size_t size = 96 + response.content_type.size() + (answers_head ? 0 : response.body.size());
  for (const auto& [name, value] : response.headers) size += name.size() + value.size() + 4;
  auto& out = wire.bytes;
  out.reserve(size);

  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  append_number(out, static_cast<std::size_t>(status));
  out += ' ';
  out += reason_phrase(status);
  out += "\r\n";
  for (const auto& [name, value] : response.headers) {
    // The transport owns the framing: a handler's word on it would be a
    // second, possibly different, length.
    if (named(name, "Content-Length") || named(name, "Transfer-Encoding") || named(name, "Connection")) continue;
    if (!is_token(name) || !safe_value(value)) {
      ++wire.dropped_fields;
      continue;
    }
    append_field(out, name, value);
  }
  if (!response.body.empty() && !response.content_type.empty()) {
    if (safe_value(response.content_type)) append_field(out, "Content-Type", response.content_type);
    else ++wire.dropped_fields;
  }
  if (!bodiless) {
    out += "Content-Length: ";
    append_number(out, response.body.size());
    out += "\r\n";
  }
  if (version == 10 && keep_alive) out += "Connection: keep-alive\r\n";
  if (version != 10 && !keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
  if (!answers_head) out += response.body;
  return wire;
}

}  // namespace memberd
