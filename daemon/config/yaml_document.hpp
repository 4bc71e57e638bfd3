#pragma once
// Reading one YAML document from text an operator wrote, with bounds.
//
// yaml-cpp 0.7's YAML::LoadAll cannot be given hostile text: on a token it
// cannot place (a lone `,`) its parser yields an empty document without
// moving on, forever, and LoadAll collects them until memory runs out
// (issue 26, F2: `memberd --check-config` grew to 24 GB). Aliases are
// shared nodes in yaml-cpp, so `*a` repeated builds a tree that every walk
// over the config (the plugin sections become JSON) expands exponentially
// ("billion laughs"). This reader looks at no more than two documents,
// refuses text larger than a config can sensibly be, and refuses aliases.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>

namespace memberd {

// Larger than any real memberd.yaml (the shipped one is ~20 KB).
inline constexpr std::size_t max_config_bytes = 1024 * 1024;

// Why a text is not one YAML document, and where.
struct YamlDocumentError {
  enum class Kind { too_large, several_documents, unreadable, alias };
  Kind kind;
  YAML::Mark mark;
  std::string message;
};

// The one document in `text` (a Null node for empty text or comments only).
// Throws YamlDocumentError for text over max_config_bytes, more than one
// document, an alias, or text the parser cannot move past; throws
// YAML::ParserException for malformed YAML (with its own mark and message).
// Takes time linear in the text and memory bounded by it.
YAML::Node load_one_yaml_document(const std::string& text);

}  // namespace memberd
