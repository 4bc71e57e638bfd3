// The body phase of a `Body::json` route (daemon/transport/json_body.cpp):
// the content type, the nesting check that runs before nlohmann's parser,
// and the parse. The first byte picks the method and Content-Type (so the
// refusals are reached too), the rest is the body.
//
// Checked: an accepted body is one JSON object nested no deeper than the
// limit (the cheap pre-scan must never let a deeper document through to the
// recursive parts of nlohmann), and it survives a dump and a re-parse (a handler may echo it).
#include "transport/json_body.hpp"

#include "fuzz_check.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <optional>
#include <string>

namespace {

// http.max_json_depth's default is 64; a small limit reaches the edge with
// short inputs, and the daemon's limit is just a number here.
constexpr std::size_t kMaxDepth = 8;

std::size_t depth_of(const nlohmann::json& value) {
  std::size_t deepest = 0;
  if (value.is_structured())
    for (const auto& item : value) deepest = std::max(deepest, depth_of(item));
  return value.is_structured() ? deepest + 1 : 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const std::array<std::string_view, 4> methods{"POST", "PUT", "GET", "PATCH"};
  static const std::array<std::optional<std::string>, 4> types{
      std::string("application/json"), std::string("Application/Problem+JSON; charset=utf-8"), std::nullopt,
      std::string("text/plain")};
  const std::string_view method = methods[data[0] & 3];
  const auto& content_type = types[(data[0] >> 2) & 3];
  const std::string body(memberd::fuzz::text_of(data + 1, size - 1));

  nlohmann::json parsed;
  const auto refusal = memberd::parse_json_body(method, content_type, body, kMaxDepth, parsed);
  if (refusal) {
    FUZZ_CHECK(refusal->status == 400 || refusal->status == 415);
    return 0;
  }
  if (body.empty() && method == "GET") return 0;  // a bodiless GET parses nothing
  FUZZ_CHECK(content_type && (data[0] >> 2 & 3) < 2);
  FUZZ_CHECK(parsed.is_object());
  FUZZ_CHECK(depth_of(parsed) <= kMaxDepth);
  // What the handler gets writes out and reads back as itself (compared as
  // text: a number too large for a double is infinity, which dumps as null).
  const std::string dumped = parsed.dump();
  FUZZ_CHECK(nlohmann::json::parse(dumped).dump() == dumped);
  return 0;
}
