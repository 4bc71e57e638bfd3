#include "image_types.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

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

unsigned be16(std::string_view b, std::size_t at) {
  return static_cast<unsigned>(static_cast<unsigned char>(b[at])) << 8 | static_cast<unsigned char>(b[at + 1]);
}

unsigned long le24(std::string_view b, std::size_t at) {
  return le16(b, at) | static_cast<unsigned long>(static_cast<unsigned char>(b[at + 2])) << 16;
}

unsigned long be32(std::string_view b, std::size_t at) { return static_cast<unsigned long>(be16(b, at)) << 16 | be16(b, at + 2); }

// The canvas a GIF's decoder draws on, walking every block; stops early
// (too_many_pixels) once it exceeds `max_pixels`.
struct GifCanvas {
  std::optional<ImageProblem> problem;
  ImageSize size;
};

GifCanvas gif_canvas(std::string_view b, long long max_pixels) {
  constexpr std::size_t screen_bytes = 13;  // signature, width, height, packed, background, aspect
  if (b.size() < screen_bytes || (!starts_with(b, "GIF87a") && !starts_with(b, "GIF89a")))
    return {ImageProblem::undecodable, {}};
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
    if (block != 0x2C) return {ImageProblem::undecodable, {}};
    constexpr std::size_t descriptor_bytes = 10;  // separator, left, top, width, height, packed
    if (at + descriptor_bytes > b.size()) break;
    long long left = le16(b, at + 1), top = le16(b, at + 3), w = le16(b, at + 5), h = le16(b, at + 7);
    if (w == 0 || h == 0) return {ImageProblem::undecodable, {}};
    // The decoder's canvas grows to hold every frame where it says it lies.
    width = std::max(width, left + w);
    height = std::max(height, top + h);
    if (width * height > max_pixels) return {ImageProblem::too_many_pixels, {width, height}};
    ++frames;
    at += descriptor_bytes + colour_table_bytes(static_cast<unsigned char>(b[at + 9]));
    if (at >= b.size()) break;
    at = skip_sub_blocks(b, at + 1);  // after the LZW minimum code size
    if (at == std::string_view::npos) break;
  }
  if (frames == 0) return {ImageProblem::undecodable, {}};
  if (width * height > max_pixels) return {ImageProblem::too_many_pixels, {width, height}};
  return {std::nullopt, {width, height}};
}

// JPEG: the markers up to the first frame header (SOF0-15 but DHT C4, JPG
// C8 and DAC CC), whose height and width follow its precision byte.
std::optional<ImageSize> jpeg_size(std::string_view b) {
  std::size_t at = 2;
  while (at + 4 <= b.size()) {
    if (static_cast<unsigned char>(b[at]) != 0xFF) return std::nullopt;
    auto marker = static_cast<unsigned char>(b[at + 1]);
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
      at += 2;
      continue;
    }
    if (marker == 0xD9 || marker == 0xDA) return std::nullopt;  // the end, or scan data before a frame
    std::size_t length = be16(b, at + 2);
    if (length < 2) return std::nullopt;
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
      if (at + 9 > b.size()) return std::nullopt;
      return ImageSize{be16(b, at + 7), be16(b, at + 5)};
    }
    at += 2 + length;
  }
  return std::nullopt;
}

// PNG: IHDR comes first, its width and height as 32-bit big-endian.
std::optional<ImageSize> png_size(std::string_view b) {
  if (b.size() < 24 || b.substr(12, 4) != "IHDR") return std::nullopt;
  // The format's limit is 2^31 - 1 a side; beyond it the header lies.
  constexpr unsigned long limit = 0x7FFFFFFF;
  unsigned long width = be32(b, 16), height = be32(b, 20);
  if (width > limit || height > limit) return std::nullopt;
  return ImageSize{static_cast<long long>(width), static_cast<long long>(height)};
}

// WebP: the first chunk after "RIFF....WEBP" says which kind it is.
std::optional<ImageSize> webp_size(std::string_view b) {
  if (b.size() < 30) return std::nullopt;
  std::string_view chunk = b.substr(12, 4);
  if (chunk == "VP8X") return ImageSize{static_cast<long long>(le24(b, 24)) + 1, static_cast<long long>(le24(b, 27)) + 1};
  if (chunk == "VP8L") {
    if (static_cast<unsigned char>(b[20]) != 0x2F) return std::nullopt;
    unsigned long bits = le24(b, 21) | static_cast<unsigned long>(static_cast<unsigned char>(b[24])) << 24;
    return ImageSize{static_cast<long long>(bits & 0x3FFF) + 1, static_cast<long long>((bits >> 14) & 0x3FFF) + 1};
  }
  if (chunk == "VP8 ") {  // a key frame: its start code, then 14-bit width and height
    if (b.substr(23, 3) != "\x9D\x01\x2A") return std::nullopt;
    return ImageSize{le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF};
  }
  return std::nullopt;
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
  return gif_canvas(b, max_pixels).problem;
}

std::optional<ImageSize> header_size(std::string_view bytes, ImageFormat format) {
  std::optional<ImageSize> size;
  switch (format) {
    case ImageFormat::jpeg: size = jpeg_size(bytes); break;
    case ImageFormat::png: size = png_size(bytes); break;
    case ImageFormat::webp: size = webp_size(bytes); break;
    case ImageFormat::gif: {
      // No limit here: the size is asked for, whatever it is.
      auto canvas = gif_canvas(bytes, std::numeric_limits<long long>::max());
      if (!canvas.problem) size = canvas.size;
      break;
    }
  }
  if (size && (size->width <= 0 || size->height <= 0)) return std::nullopt;
  return size;
}

long long decoded_pixels(ImageFormat format, ImageSize size, int largest_edge) {
  long long shrink = 1;
  if (format == ImageFormat::jpeg || format == ImageFormat::webp) {
    // The square is cut from the middle: the shorter side must still cover it.
    long long shorter = std::min(size.width, size.height);
    while (shrink < 8 && shorter / (shrink * 2) >= std::max(largest_edge, 1)) shrink *= 2;
  }
  long long pixels = ((size.width + shrink - 1) / shrink) * ((size.height + shrink - 1) / shrink);
  return std::max(pixels, 1LL);
}

}  // namespace memberd::photo
