#include "image_types.hpp"

#include <algorithm>
#include <cstdint>

namespace memberd::photo {

namespace {

bool starts_with(std::string_view bytes, std::string_view magic) { return bytes.substr(0, magic.size()) == magic; }

unsigned le16(std::string_view b, std::size_t at) {
  return static_cast<unsigned char>(b[at]) | static_cast<unsigned>(static_cast<unsigned char>(b[at + 1])) << 8;
}

// The size of a colour table announced by a packed field, 0 for none.
std::size_t colour_table_bytes(unsigned char packed) {
  return (packed & 0x80) ? 3u * (2u << (packed & 0x07)) : 0;
}

// Skips a run of data sub-blocks (length byte, data) up to its terminator;
// npos when the data ends first.
std::size_t skip_sub_blocks(std::string_view b, std::size_t at) {
  while (at < b.size()) {
    auto length = static_cast<unsigned char>(b[at]);
    if (length == 0) return at + 1;
    at += 1 + length;
  }
  return std::string_view::npos;
}

}  // namespace

const char* format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::jpeg: return "JPEG";
    case ImageFormat::png: return "PNG";
    case ImageFormat::webp: return "WebP";
    case ImageFormat::gif: return "GIF";
  }
  return "?";
}

std::optional<ImageFormat> sniff_format(std::string_view bytes) {
  if (starts_with(bytes, "\xFF\xD8\xFF")) return ImageFormat::jpeg;
  if (starts_with(bytes, "\x89PNG\r\n\x1A\n")) return ImageFormat::png;
  if (starts_with(bytes, "GIF87a") || starts_with(bytes, "GIF89a")) return ImageFormat::gif;
  if (bytes.size() >= 12 && starts_with(bytes, "RIFF") && bytes.substr(8, 4) == "WEBP") return ImageFormat::webp;
  return std::nullopt;
}

std::optional<ImageProblem> check_gif_geometry(std::string_view b, long long max_pixels) {
  constexpr std::size_t screen_bytes = 13;  // signature, width, height, packed, background, aspect
  if (b.size() < screen_bytes || (!starts_with(b, "GIF87a") && !starts_with(b, "GIF89a")))
    return ImageProblem::undecodable;
  long long width = le16(b, 6), height = le16(b, 8);
  std::size_t at = screen_bytes + colour_table_bytes(static_cast<unsigned char>(b[10]));
  int frames = 0;
  while (at < b.size()) {
    auto block = static_cast<unsigned char>(b[at]);
    if (block == 0x3B) break;  // trailer
    if (block == 0x21) {       // extension: label, then sub-blocks
      if (at + 2 > b.size()) break;
      at = skip_sub_blocks(b, at + 2);
      if (at == std::string_view::npos) break;
      continue;
    }
    if (block != 0x2C) return ImageProblem::undecodable;
    constexpr std::size_t descriptor_bytes = 10;  // separator, left, top, width, height, packed
    if (at + descriptor_bytes > b.size()) break;
    long long left = le16(b, at + 1), top = le16(b, at + 3), w = le16(b, at + 5), h = le16(b, at + 7);
    if (w == 0 || h == 0) return ImageProblem::undecodable;
    // The decoder's canvas grows to hold every frame where it says it lies.
    width = std::max(width, left + w);
    height = std::max(height, top + h);
    if (width * height > max_pixels) return ImageProblem::too_many_pixels;
    ++frames;
    at += descriptor_bytes + colour_table_bytes(static_cast<unsigned char>(b[at + 9]));
    if (at >= b.size()) break;
    at = skip_sub_blocks(b, at + 1);  // after the LZW minimum code size
    if (at == std::string_view::npos) break;
  }
  if (frames == 0) return ImageProblem::undecodable;
  if (width * height > max_pixels) return ImageProblem::too_many_pixels;
  return std::nullopt;
}

}  // namespace memberd::photo
