#pragma once
// JSON responses. Include this (and so nlohmann/json.hpp, a heavy header) only
// in the files that build JSON; the rest of the SDK needs just json_fwd.hpp.

#include <memberd/http.hpp>
#include <nlohmann/json.hpp>

namespace memberd {

// Invalid UTF-8 in a string (say, an echoed header) becomes U+FFFD instead
// of an exception.
inline Response json_response(int status, const nlohmann::json& value) {
  return Response{status, "application/json; charset=utf-8",
                  value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
}

// The field of a JSON body as a string, or nullopt when absent or not a string.
inline std::optional<std::string> string_field(const nlohmann::json& body, const char* name) {
  if (!body.is_object()) return std::nullopt;
  auto it = body.find(name);
  if (it == body.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace memberd
