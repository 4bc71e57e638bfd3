#pragma once
// Text that came from a client (a User-Agent, a header) on its way into
// storage or JSON: invalid UTF-8 would make JSON serialisation throw later.
#include <string>
#include <string_view>

namespace memberd {

// `text` with each invalid byte replaced by U+FFFD, cut to at most
// `max_bytes` without splitting a character.
std::string valid_utf8(std::string_view text, std::size_t max_bytes);

}  // namespace memberd
