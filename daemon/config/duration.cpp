#include "config/duration.hpp"

#include <cstdint>
#include <limits>

namespace memberd {

namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t millis;
};

// "ms" before "m" and "s": the longest suffix must win.
constexpr Unit units[] = {
    {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000},
};

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return std::nullopt;

  const std::string_view suffix = text.substr(digits);
  std::int64_t scale = 1000;  // a bare number means seconds
  if (!suffix.empty()) {
    scale = 0;
    for (const Unit& unit : units) {
      if (suffix == unit.suffix) scale = unit.millis;
    }
    if (scale == 0) return std::nullopt;
  }

  constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
  std::int64_t count = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const int digit = text[i] - '0';
    if (count > (max - digit) / 10) return std::nullopt;
    count = count * 10 + digit;
  }
  if (count > max / scale) return std::nullopt;
  return std::chrono::milliseconds(count * scale);
}

std::string format_duration(std::chrono::milliseconds value) {
  const std::int64_t millis = value.count();
  if (millis == 0) return "0s";
  // Walk from the largest unit down and take the first that divides exactly.
  for (auto it = std::rbegin(units); it != std::rend(units); ++it) {
    if (millis % it->millis == 0) {
      return std::to_string(millis / it->millis) + std::string(it->suffix);
    }
  }
  return std::to_string(millis) + "ms";  // not reached: 1 divides everything
}

}  // namespace memberd
