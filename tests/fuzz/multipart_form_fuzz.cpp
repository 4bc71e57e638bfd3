// The upload's multipart/form-data reading (plugins/photo/multipart_form.cpp),
// as PUT /api/v1/me/photo calls it: the Content-Type, the body, field "photo".
// Input: the first line is the Content-Type, the rest the body. When that
// line is a plain token rather than a header value, it is used as the
// boundary of "multipart/form-data; boundary=<line>", so mutations of the
// body meet a boundary that fits.
//
// Checked: the content found is a view into the body, ends exactly where a
// delimiter line begins, and holds no delimiter of its own.
#include "multipart_form.hpp"

#include "fuzz_check.hpp"

#include <string>

namespace {

// A boundary that can stand unquoted in the Content-Type.
bool plain_token(std::string_view text) {
  if (text.empty() || text.size() > 70) return false;
  for (unsigned char c : text)
    if (c <= ' ' || c >= 0x7f || c == '"' || c == ';' || c == '\\' || c == '=') return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = memberd::fuzz::text_of(data, size);
  const auto newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  std::string_view first_line = input.substr(0, newline);
  if (!first_line.empty() && first_line.back() == '\r') first_line.remove_suffix(1);
  const std::string_view body = input.substr(newline + 1);

  std::string boundary;
  std::string content_type(first_line);
  if (plain_token(first_line)) {
    boundary = first_line;
    content_type = "multipart/form-data; boundary=" + boundary;
  }
  (void)memberd::photo::is_multipart_form(content_type);

  const auto field = memberd::photo::multipart_field(content_type, body, "photo");
  if (field.problem) {
    FUZZ_CHECK(field.content.empty());
    return 0;
  }
  const auto* begin = field.content.data();
  FUZZ_CHECK(begin >= body.data() && begin + field.content.size() <= body.data() + body.size());
  const std::string_view after = body.substr(static_cast<std::size_t>(begin - body.data()) + field.content.size());
  FUZZ_CHECK(after.substr(0, 4) == "\r\n--");
  if (!boundary.empty()) {
    const std::string delimiter = "\r\n--" + boundary;
    FUZZ_CHECK(after.substr(0, delimiter.size()) == delimiter);
    FUZZ_CHECK(field.content.find(delimiter) == std::string_view::npos);
  }
  return 0;
}
