#pragma once
// The request target as handlers see it: the path percent-decoded, and the
// query's parameters decoded (`+` is a space there).
#include <optional>
#include <string>
#include <string_view>

namespace memberd {

// "%41b" -> "Ab"; a malformed escape ("%4", "%zz") stays as it is. In a
// query (`plus_is_space`) "+" is " ".
std::string percent_decode(std::string_view text, bool plus_is_space);

// The decoded value of the first `name=` parameter in `query` (no leading
// "?"); "" for a bare `name`; nullopt when absent.
std::optional<std::string> query_parameter(std::string_view query, std::string_view name);

}  // namespace memberd
