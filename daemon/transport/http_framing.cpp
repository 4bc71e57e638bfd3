#include "transport/http_framing.hpp"

#include <strings.h>

namespace memberd {

namespace {

bool named(std::string_view name, std::string_view expected) {
  return name.size() == expected.size() && strncasecmp(name.data(), expected.data(), name.size()) == 0;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool folded(std::string_view raw) {
  for (auto at = raw.find('\n'); at != std::string_view::npos && at + 1 < raw.size(); at = raw.find('\n', at + 1))
    if (raw[at + 1] == ' ' || raw[at + 1] == '\t') return true;
  return false;
}

// RFC 9110 5.6.2: tchar.
bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Whether Beast reads a Transfer-Encoding list as the last-coding rule does.
// Beast takes each element for a bare token (empty elements skipped, RFC
// 9110 5.6.1) and stops at the first that is not one ("\xA7gzip",
// "gzip;q=1") without an error; and it sees a chunked body only when the
// first `chunked` is the last element. Otherwise it takes the request for one
// without a body while its last coding reads "chunked" to us and to a lenient
// proxy in front, and the chunks would be read as the next request.
bool read_alike(std::string_view codings) {
  while (true) {
    const auto comma = codings.find(',');
    const auto item = trimmed(codings.substr(0, comma));
    for (char c : item)
      if (!is_token_char(c)) return false;
    if (comma == std::string_view::npos) return true;
    // Before the last element: applied twice, or not last; RFC 9112 6.1 forbids both.
    if (item.size() == 7 && strncasecmp(item.data(), "chunked", 7) == 0) return false;
    codings.remove_prefix(comma + 1);
  }
}

}  // namespace

std::optional<FramingProblem> framing_problem(const RequestHead& head) {
  auto bad = [](const char* detail) { return FramingProblem{400, detail}; };
  if (folded(head.raw)) return bad("Header lines may not be folded.");
  int lengths = 0, hosts = 0;
  std::string codings;
  bool has_encoding = false;
  for (const auto& [name, value] : head.headers) {
    if (named(name, "Content-Length")) ++lengths;
    if (named(name, "Host")) ++hosts;
    if (named(name, "Transfer-Encoding")) {
      has_encoding = true;
      if (!codings.empty()) codings += ',';
      codings += value;
    }
  }
  if (lengths > 1) return bad("Send one Content-Length.");
  bool other_codings = false;
  if (has_encoding) {
    if (head.version < 11) return bad("HTTP/1.0 has no Transfer-Encoding.");
    if (lengths > 0) return bad("Send Content-Length or Transfer-Encoding, not both.");
    auto last = codings.rfind(',');
    auto coding = trimmed(std::string_view(codings).substr(last == std::string::npos ? 0 : last + 1));
    if (coding.size() != 7 || strncasecmp(coding.data(), "chunked", 7) != 0)
      return bad("The last transfer coding must be chunked.");
    if (!read_alike(codings)) return bad("Transfer-Encoding must list codings by name, chunked once and last.");
    // Sound so far, so chunked is the last element: anything else before it
    // (empty elements aside) is a coding of its own.
    for (char c : std::string_view(codings).substr(0, last == std::string::npos ? 0 : last))
      if (c != ',' && c != ' ' && c != '\t') other_codings = true;
  }
  if (head.version >= 11 && hosts != 1) return bad("HTTP/1.1 needs exactly one Host header.");
  if (other_codings) return FramingProblem{501, "Only the chunked transfer coding is supported."};
  return std::nullopt;
}

}  // namespace memberd
