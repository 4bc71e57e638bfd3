#pragma once
// A text as a LIKE pattern that matches it literally: '%', '_' and '\'
// escaped with '\'. Use with `LIKE :p ESCAPE '\'` (SQLite has no default
// escape character; PostgreSQL's is '\', so both read it alike).
#include <string>
#include <string_view>

namespace memberd {

inline std::string like_literal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace memberd
