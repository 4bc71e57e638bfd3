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

}  // namespace

std::optional<std::string> framing_problem(const RequestHead& head) {
  if (folded(head.raw)) return "Header lines may not be folded.";
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
  if (lengths > 1) return "Send one Content-Length.";
  if (has_encoding) {
    if (head.version < 11) return "HTTP/1.0 has no Transfer-Encoding.";
    if (lengths > 0) return "Send Content-Length or Transfer-Encoding, not both.";
    auto last = codings.rfind(',');
    auto coding = trimmed(std::string_view(codings).substr(last == std::string::npos ? 0 : last + 1));
    if (coding.size() != 7 || strncasecmp(coding.data(), "chunked", 7) != 0)
      return "The last transfer coding must be chunked.";
  }
  if (head.version >= 11 && hosts != 1) return "HTTP/1.1 needs exactly one Host header.";
  return std::nullopt;
}

}  // namespace memberd
