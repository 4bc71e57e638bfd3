#pragma once
// What a review kind's name may be (SDK 2.9 reviews.hpp): the rule the queue
// checks on submit and in its ?kind= filter, and the one the plugin host
// checks on a plugin's declarations. Header-only.
#include <string_view>

namespace memberd {

// A plugin's name, optionally ".word": a-z, 0-9, '_' and '.', at most 64.
inline bool is_review_kind(std::string_view kind) {
  return !kind.empty() && kind.size() <= 64 &&
         kind.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.") == std::string_view::npos;
}

// Whether `kind` is `plugin`'s to submit and declare: its name, or
// "<name>.<word>".
inline bool is_own_review_kind(std::string_view plugin, std::string_view kind) {
  return kind == plugin ||
         (kind.size() > plugin.size() + 1 && kind.substr(0, plugin.size()) == plugin && kind[plugin.size()] == '.');
}

}  // namespace memberd
