#pragma once
// The pipeline's body phase for `Body::json` routes: the content type (415),
// the nesting depth (400, before nlohmann's recursive parser can exhaust the
// stack) and the document itself (400 unless it is one JSON object in which
// no object holds a key twice).
#include <memberd/http.hpp>

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>

namespace memberd {

// Fills `parsed` and returns nullopt, or returns the problem to answer. A
// bodiless GET on a json route parses nothing.
std::optional<Response> parse_json_body(std::string_view method, const std::optional<std::string>& content_type,
                                        const std::string& body, std::size_t max_depth, nlohmann::json& parsed);

}  // namespace memberd
