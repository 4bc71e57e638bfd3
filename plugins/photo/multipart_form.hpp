#pragma once
// The one file field of a multipart/form-data body (RFC 7578), as a view
// into the body: what a browser's FormData upload sends. Only what an
// upload needs: the boundary from the Content-Type, the parts' headers, and
// the content of the part named `field`. Nothing is copied or decoded.
#include <optional>
#include <string>
#include <string_view>

namespace memberd::photo {

// Whether the request's Content-Type says multipart/form-data.
bool is_multipart_form(std::string_view content_type);

enum class MultipartProblem {
  no_boundary,    // the Content-Type has no usable boundary
  malformed,      // the body does not follow the boundaries, or too many parts
  missing_field,  // well formed, but no part is named `field`
};

struct MultipartField {
  std::optional<MultipartProblem> problem;
  std::string_view content;  // the part's bytes, when no problem
};

// At most 16 parts, each header block at most 8 KiB; the first part named
// `field` wins.
MultipartField multipart_field(std::string_view content_type, std::string_view body, std::string_view field);

}  // namespace memberd::photo
