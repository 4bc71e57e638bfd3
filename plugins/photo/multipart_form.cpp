#include "multipart_form.hpp"

#include <strings.h>

namespace memberd::photo {

namespace {

constexpr int kMaxParts = 16;
constexpr std::size_t kMaxPartHeader = 8192;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// The value of `name` among a header's `; name=value` parameters (quoted
// or not); empty when absent.
std::string parameter(std::string_view header, std::string_view name) {
  std::size_t at = header.find(';');
  while (at != std::string_view::npos) {
    std::string_view rest = header.substr(at + 1);
    std::size_t end = rest.find(';');
    std::string_view item = trim(rest.substr(0, end));
    std::size_t eq = item.find('=');
    if (eq != std::string_view::npos && iequals(trim(item.substr(0, eq)), name)) {
      std::string_view value = trim(item.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"') {
        // A quoted value may hold ';': read to the closing quote.
        std::string_view quoted = rest.substr(rest.find('"') + 1);
        std::string unquoted;
        for (std::size_t i = 0; i < quoted.size() && quoted[i] != '"'; ++i) {
          if (quoted[i] == '\\' && i + 1 < quoted.size()) ++i;
          unquoted += quoted[i];
        }
        return unquoted;
      }
      return std::string(value);
    }
    at = end == std::string_view::npos ? std::string_view::npos : at + 1 + end;
  }
  return {};
}

// The `name` of a part's Content-Disposition: form-data header.
std::string part_name(std::string_view headers) {
  while (!headers.empty()) {
    std::size_t end = headers.find("\r\n");
    std::string_view line = headers.substr(0, end);
    std::size_t colon = line.find(':');
    if (colon != std::string_view::npos && iequals(trim(line.substr(0, colon)), "Content-Disposition")) {
      std::string_view value = trim(line.substr(colon + 1));
      if (value.size() >= 9 && iequals(value.substr(0, 9), "form-data")) return parameter(value, "name");
    }
    if (end == std::string_view::npos) break;
    headers.remove_prefix(end + 2);
  }
  return {};
}

}  // namespace

bool is_multipart_form(std::string_view content_type) {
  content_type = trim(content_type);
  return content_type.size() >= 19 && iequals(content_type.substr(0, 19), "multipart/form-data");
}

MultipartField multipart_field(std::string_view content_type, std::string_view body, std::string_view field) {
  std::string boundary = parameter(content_type, "boundary");
  // RFC 2046 5.1.1: 1 to 70 characters.
  if (boundary.empty() || boundary.size() > 70) return {MultipartProblem::no_boundary, {}};
  const std::string delimiter = "--" + boundary;
  const std::string between = "\r\n" + delimiter;
  // The first delimiter may follow a preamble; it starts the body or a line.
  std::size_t at = body.substr(0, delimiter.size()) == delimiter ? 0 : body.find(between);
  if (at == std::string_view::npos) return {MultipartProblem::malformed, {}};
  at += at == 0 && body.substr(0, delimiter.size()) == delimiter ? delimiter.size() : between.size();
  for (int part = 0; part < kMaxParts; ++part) {
    std::string_view rest = body.substr(at);
    if (rest.substr(0, 2) == "--") return {MultipartProblem::missing_field, {}};  // the closing delimiter
    // Transport padding, then the line break that ends the delimiter line.
    std::size_t line_end = rest.find("\r\n");
    if (line_end == std::string_view::npos || !trim(rest.substr(0, line_end)).empty())
      return {MultipartProblem::malformed, {}};
    rest.remove_prefix(line_end + 2);
    std::size_t headers_end = rest.substr(0, kMaxPartHeader + 4).find("\r\n\r\n");
    std::string_view headers;
    if (rest.substr(0, 2) == "\r\n") {
      headers_end = 0;  // a part without headers
    } else if (headers_end == std::string_view::npos) {
      return {MultipartProblem::malformed, {}};
    } else {
      headers = rest.substr(0, headers_end);
      headers_end += 2;
    }
    std::string_view content_start = rest.substr(headers_end + 2);
    std::size_t content_end = content_start.find(between);
    if (content_end == std::string_view::npos) return {MultipartProblem::malformed, {}};
    if (part_name(headers) == field) return {std::nullopt, content_start.substr(0, content_end)};
    at = static_cast<std::size_t>(content_start.data() - body.data()) + content_end + between.size();
  }
  return {MultipartProblem::malformed, {}};
}

}  // namespace memberd::photo
