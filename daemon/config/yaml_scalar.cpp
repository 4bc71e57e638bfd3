#include "config/yaml_scalar.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <limits>
#include <string>

namespace memberd {

namespace {

bool is_digit(char c, int base) {
  if (c >= '0' && c <= '9') return c - '0' < base;
  if (base == 16) return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  return false;
}

bool all_digits(std::string_view text, int base) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_digit(c, base)) return false;
  }
  return true;
}

// Splits "0x1F" into ("1F", 16), "0o17" into ("17", 8), "-42" into ("-42", 10).
std::pair<std::string_view, int> digits_and_base(std::string_view text) {
  if (text.size() > 2 && text[0] == '0' && text[1] == 'x') return {text.substr(2), 16};
  if (text.size() > 2 && text[0] == '0' && text[1] == 'o') return {text.substr(2), 8};
  return {text, 10};
}

}  // namespace

bool is_quoted_scalar(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  return tag == "!" || tag == "tag:yaml.org,2002:str";
}

bool is_yaml_integer(std::string_view text) {
  auto [digits, base] = digits_and_base(text);
  if (base == 10 && !digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
  return all_digits(digits, base);
}

std::optional<std::int64_t> parse_yaml_integer(std::string_view text) {
  if (!is_yaml_integer(text)) return std::nullopt;
  auto [digits, base] = digits_and_base(text);
  if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);  // from_chars refuses '+'
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_yaml_float(std::string_view text) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (text == ".inf" || text == ".Inf" || text == ".INF" || text == "+.inf" || text == "+.Inf" ||
      text == "+.INF") {
    return inf;
  }
  if (text == "-.inf" || text == "-.Inf" || text == "-.INF") return -inf;
  if (text == ".nan" || text == ".NaN" || text == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  if (is_yaml_integer(text) && digits_and_base(text).second != 10) {
    if (auto value = parse_yaml_integer(text)) return static_cast<double>(*value);
    return std::nullopt;
  }

  // [-+]? ( \.[0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
  std::string_view rest = text;
  std::string_view unsigned_text = text;
  if (!rest.empty() && (rest[0] == '-' || rest[0] == '+')) {
    rest.remove_prefix(1);
    if (text[0] == '+') unsigned_text = rest;  // from_chars refuses '+'
  }
  std::size_t integer_digits = 0;
  while (integer_digits < rest.size() && is_digit(rest[integer_digits], 10)) ++integer_digits;
  rest.remove_prefix(integer_digits);
  std::size_t fraction_digits = 0;
  if (!rest.empty() && rest[0] == '.') {
    rest.remove_prefix(1);
    while (fraction_digits < rest.size() && is_digit(rest[fraction_digits], 10)) ++fraction_digits;
    rest.remove_prefix(fraction_digits);
    if (integer_digits == 0 && fraction_digits == 0) return std::nullopt;
  } else if (integer_digits == 0) {
    return std::nullopt;
  }
  if (!rest.empty() && (rest[0] == 'e' || rest[0] == 'E')) {
    rest.remove_prefix(1);
    if (!rest.empty() && (rest[0] == '-' || rest[0] == '+')) rest.remove_prefix(1);
    if (!all_digits(rest, 10)) return std::nullopt;
    rest = {};
  }
  if (!rest.empty()) return std::nullopt;

  double value = 0;
  const char* first = unsigned_text.data();
  const char* last = first + unsigned_text.size();
  const auto [end, error] = std::from_chars(first, last, value);
  if (error != std::errc() || end != last) return std::nullopt;
  return value;
}

std::optional<bool> parse_yaml_bool(std::string_view text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  return std::nullopt;
}

}  // namespace memberd
