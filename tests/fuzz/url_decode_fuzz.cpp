// Percent-decoding of request paths and query strings
// (daemon/transport/url_decode.cpp), raw and through a round trip.
//
// Checked: decoding never grows the text and leaves text without escapes
// alone; any bytes escaped byte by byte (either hex case) decode back to
// themselves; a query built from escaped pairs gives each name's first value.
#include "transport/url_decode.hpp"

#include "fuzz_check.hpp"

#include <string>
#include <vector>

namespace {

// Every byte as %XX, upper- or lower-case hex as `lower` says.
std::string escaped(std::string_view text, bool lower) {
  static const char* const digits[] = {"0123456789ABCDEF", "0123456789abcdef"};
  std::string out;
  for (unsigned char c : text) {
    out += '%';
    out += digits[lower][c >> 4];
    out += digits[lower][c & 15];
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using memberd::percent_decode;
  const std::string_view text = memberd::fuzz::text_of(data, size);

  for (bool plus_is_space : {false, true}) {
    const std::string decoded = percent_decode(text, plus_is_space);
    FUZZ_CHECK(decoded.size() <= text.size());
    if (text.find('%') == std::string_view::npos && (!plus_is_space || text.find('+') == std::string_view::npos))
      FUZZ_CHECK(decoded == text);
    FUZZ_CHECK(percent_decode(escaped(text, size % 2 == 0), plus_is_space) == text);
  }
  (void)memberd::query_parameter(text, "token");

  // Lines are alternately names and values: "a\n1\nb\n2" is a=1&b=2.
  std::vector<std::string_view> lines;
  for (std::string_view rest = text; lines.size() < 16;) {
    const auto end = rest.find('\n');
    lines.push_back(rest.substr(0, end));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  if (lines.size() < 2) return 0;
  std::string query;
  for (std::size_t i = 0; i + 1 < lines.size(); i += 2)
    query += (query.empty() ? "" : "&") + escaped(lines[i], i % 4 == 0) + "=" + escaped(lines[i + 1], false);
  const std::string_view name = lines[(size / 2 % (lines.size() / 2)) * 2];
  std::optional<std::string> expected;
  for (std::size_t i = 0; i + 1 < lines.size() && !expected; i += 2)
    if (lines[i] == name) expected = std::string(lines[i + 1]);
  FUZZ_CHECK(memberd::query_parameter(query, name) == expected);
  return 0;
}
