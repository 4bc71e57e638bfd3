// The photo upload's first checks (plugins/photo/image_types.cpp): which of
// JPEG, PNG, GIF and WebP some bytes are, by their magic alone, and for a
// GIF the canvas its frames span (check_gif_geometry), and the size each
// header claims with the pixels decoding it would hold (header_size,
// decoded_pixels: what uploads are admitted by), before any decoder sees
// them. The decoding is image_decode_fuzz's.
//
// Checked: a format is named only for bytes that carry its whole signature,
// and nothing past the signature changes the answer.
#include "image_types.hpp"

#include "fuzz_check.hpp"

#include <string>

namespace {

using memberd::photo::ImageFormat;

bool starts_with(std::string_view bytes, std::string_view magic) { return bytes.substr(0, magic.size()) == magic; }

// How many leading bytes decide each format.
std::size_t signature_size(ImageFormat format) {
  switch (format) {
    case ImageFormat::jpeg: return 3;
    case ImageFormat::png: return 8;
    case ImageFormat::gif: return 6;
    case ImageFormat::webp: return 12;
  }
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using memberd::photo::sniff_format;
  const std::string_view bytes = memberd::fuzz::text_of(data, size);
  const auto format = sniff_format(bytes);
  if (!format) return 0;
  switch (*format) {
    case ImageFormat::jpeg: FUZZ_CHECK(starts_with(bytes, "\xFF\xD8\xFF")); break;
    case ImageFormat::png: FUZZ_CHECK(starts_with(bytes, "\x89PNG\r\n\x1A\n")); break;
    case ImageFormat::gif: FUZZ_CHECK(starts_with(bytes, "GIF87a") || starts_with(bytes, "GIF89a")); break;
    case ImageFormat::webp: FUZZ_CHECK(starts_with(bytes, "RIFF") && bytes.substr(8, 4) == "WEBP"); break;
  }
  const std::size_t signature = signature_size(*format);
  FUZZ_CHECK(bytes.size() >= signature);
  FUZZ_CHECK(sniff_format(bytes.substr(0, signature)) == format);
  FUZZ_CHECK(sniff_format(std::string(bytes.substr(0, signature)) + "trailing bytes") == format);
  // A size read is never empty, and holding it never counts as less than a
  // pixel or more than the size itself.
  if (auto size = memberd::photo::header_size(bytes, *format)) {
    FUZZ_CHECK(size->width > 0 && size->height > 0);
    for (int edge : {16, 512, 2048}) {
      long long pixels = memberd::photo::decoded_pixels(*format, *size, edge);
      FUZZ_CHECK(pixels >= 1 && pixels <= size->width * size->height);
    }
  }
  if (*format == ImageFormat::gif) {
    // Linear, never throws; a canvas within a larger limit stays within it.
    auto small = memberd::photo::check_gif_geometry(bytes, 1'000'000);
    auto large = memberd::photo::check_gif_geometry(bytes, 50'000'000);
    if (!small) FUZZ_CHECK(!large);
  }
  return 0;
}
