#include "transport/json_body.hpp"

#include <nlohmann/json.hpp>

#include <memberd/text.hpp>

#include <cctype>
#include <set>
#include <vector>

namespace memberd {

namespace {

bool is_safe_method(std::string_view m) { return m == "GET" || m == "HEAD" || m == "OPTIONS"; }

bool nesting_within(const std::string& text, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

bool is_json_content_type(const std::string& value) {
  auto semicolon = value.find(';');
  std::string type = value.substr(0, semicolon);
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type == "application/json" || (type.rfind("application/", 0) == 0 && type.size() > 5 &&
                                        type.compare(type.size() - 5, 5, "+json") == 0);
}

// The longest key a refusal quotes back.
constexpr std::size_t kMaxQuotedKey = 64;

// Parses `body`, and names in `duplicate` the first key that appears twice
// in one object. nlohmann keeps the last of them, while another reader
// (a proxy, a WAF, a log pipeline) may act on the first: the same body would
// mean two things.
nlohmann::json parse_noting_duplicates(const std::string& body, std::optional<std::string>& duplicate) {
  std::vector<std::set<std::string, std::less<>>> open_objects;
  auto note = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::object_start) open_objects.emplace_back();
    else if (event == Event::object_end && !open_objects.empty()) open_objects.pop_back();
    else if (event == Event::key && !open_objects.empty() && !duplicate) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (!open_objects.back().insert(key).second) duplicate = key;
    }
    return true;
  };
  return nlohmann::json::parse(body, note, false);
}

}  // namespace

std::optional<Response> parse_json_body(std::string_view method, const std::optional<std::string>& content_type,
                                        const std::string& body, std::size_t max_depth, nlohmann::json& parsed) {
  if (body.empty() && is_safe_method(method)) return std::nullopt;
  if (!content_type || !is_json_content_type(*content_type))
    return problem(415, "unsupported_media_type", "Unsupported media type", "Send the body as application/json.");
  if (!nesting_within(body, max_depth))
    return problem(400, "malformed_body", "Malformed JSON", "The document nests too deeply.");
  std::optional<std::string> duplicate;
  parsed = parse_noting_duplicates(body, duplicate);
  if (parsed.is_discarded()) return problem(400, "malformed_body", "Malformed JSON", "The body is not valid JSON.");
  if (!parsed.is_object()) return problem(400, "malformed_body", "Malformed JSON", "The body must be a JSON object.");
  if (duplicate) {
    parsed = nlohmann::json();
    return problem(400, "malformed_body", "Malformed JSON",
                   "The key \"" + valid_utf8(*duplicate, kMaxQuotedKey) + "\" appears twice in one object; send it once.");
  }
  return std::nullopt;
}

}  // namespace memberd
