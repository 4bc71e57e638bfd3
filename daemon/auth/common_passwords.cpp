#include "auth/common_passwords.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <stdexcept>

namespace memberd {

namespace {

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

std::runtime_error read_error(const std::filesystem::path& file, const std::string& why) {
  return std::runtime_error("cannot read the common-password list " + file.string() + ": " + why);
}

std::string read_whole_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw read_error(file, std::strerror(errno));
  // A directory opens fine and reports a nonsense size; refuse it by name.
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) throw read_error(file, "not a regular file");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) throw read_error(file, "cannot tell its size");
  // Offsets are 32-bit to halve the index; real lists are a few megabytes.
  if (static_cast<std::uintmax_t>(size) > std::numeric_limits<std::uint32_t>::max())
    throw read_error(file, "larger than 4 GiB");
  in.seekg(0, std::ios::beg);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (!in.read(text.data(), size)) throw read_error(file, "read failed");
  return text;
}

// Each non-blank line of `text`, trimmed, as a span into `text`.
template <class Span>
std::vector<Span> split_lines(std::string_view text) {
  std::vector<Span> spans;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::size_t first = start, last = end;
    while (first < last && is_space(text[first])) ++first;
    while (last > first && is_space(text[last - 1])) --last;
    if (last > first)
      spans.push_back({static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(last - first)});
    start = end + 1;
  }
  return spans;
}

}  // namespace

CommonPasswords::CommonPasswords(const std::filesystem::path& file) {
  std::string text = read_whole_file(file);
  std::transform(text.begin(), text.end(), text.begin(), ascii_lower);
  std::vector<Span> spans = split_lines<Span>(text);
  if (spans.empty()) throw read_error(file, "it holds no word");
  build(text, spans);
}

CommonPasswords::CommonPasswords(const std::vector<std::string>& words) {
  std::string text;
  std::vector<Span> spans;
  spans.reserve(words.size());
  for (const std::string& w : words) {
    if (w.empty()) continue;
    if (text.size() + w.size() > std::numeric_limits<std::uint32_t>::max())
      throw std::runtime_error("the common-password list is larger than 4 GiB");
    spans.push_back({static_cast<std::uint32_t>(text.size()), static_cast<std::uint32_t>(w.size())});
    for (char c : w) text.push_back(ascii_lower(c));
  }
  build(text, spans);
}

void CommonPasswords::build(std::string_view text, std::vector<Span>& spans) {
  auto view = [&](const Span& s) { return text.substr(s.offset, s.length); };
  auto less = [&](const Span& a, const Span& b) { return view(a) < view(b); };
  // Published lists usually come sorted already; checking is linear.
  if (!std::is_sorted(spans.begin(), spans.end(), less)) std::sort(spans.begin(), spans.end(), less);
  spans.erase(std::unique(spans.begin(), spans.end(),
                          [&](const Span& a, const Span& b) { return view(a) == view(b); }),
              spans.end());

  std::size_t total = 0;
  for (const Span& s : spans) total += s.length;
  words_.reserve(total);
  offsets_.reserve(spans.size() + 1);
  for (const Span& s : spans) {
    offsets_.push_back(static_cast<std::uint32_t>(words_.size()));
    words_.append(view(s));
  }
  offsets_.push_back(static_cast<std::uint32_t>(words_.size()));
}

bool CommonPasswords::contains(std::string_view password) const {
  // Lower-case into a stack buffer so a lookup never allocates; anything
  // longer than the buffer is longer than any real list entry too, but is
  // still looked up correctly through a heap copy.
  std::array<char, 256> small;
  std::string large;
  char* lowered = small.data();
  if (password.size() > small.size()) {
    large.resize(password.size());
    lowered = large.data();
  }
  std::transform(password.begin(), password.end(), lowered, ascii_lower);
  const std::string_view key(lowered, password.size());

  std::size_t low = 0, high = size();
  while (low < high) {
    const std::size_t mid = low + (high - low) / 2;
    if (word(mid) < key)
      low = mid + 1;
    else
      high = mid;
  }
  return low < size() && word(low) == key;
}

}  // namespace memberd
