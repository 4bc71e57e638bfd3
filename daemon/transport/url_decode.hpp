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

// Why the path of a request target (the part before '?', not yet decoded)
// is refused, or nullopt. An escape there must stand for a byte that has
// no plain form in a path: an escaped unreserved character ("%41", "%2e",
// "%7E"), an escaped "/" ("%2F"), or a '%' without two hex digits after it
// would let a path slip past a reverse proxy's rules ("deny /api/v1/admin")
// that memberd, decoding, then routes as the path the rule was about.
std::optional<std::string> path_problem(std::string_view path);

// The decoded value of the first `name=` parameter in `query` (no leading
// "?"); "" for a bare `name`; nullopt when absent.
std::optional<std::string> query_parameter(std::string_view query, std::string_view name);

}  // namespace memberd
