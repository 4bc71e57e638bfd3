#pragma once
// Durations as operators write them: "250ms", "90s", "15m", "24h", "7d", or a
// bare number of seconds ("30"). Shared by the core keys and by plugin keys
// of type `duration`, so both accept exactly the same spellings.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace memberd {

// nullopt for anything else: no sign, no fraction, no spaces, no compound
// forms ("1h30m"), no unknown unit ("10x"), nothing too large for the type.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// The shortest exact spelling in the same syntax: 1000ms -> "1s",
// 1800s -> "30m", 1500ms -> "1500ms". Used in messages and documentation.
std::string format_duration(std::chrono::milliseconds value);

}  // namespace memberd
