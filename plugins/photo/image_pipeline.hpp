#pragma once
// Everything the photo plugin does with pixels, through libvips: which of
// the four accepted formats some bytes are (by content only), whether they
// are small enough to decode (from the header, before any decoding), and
// the square renditions with every piece of metadata removed. An upload is
// hostile input: libvips is locked down to the JPEG, PNG, WebP and GIF
// loaders before anything is loaded (lock_down_libvips).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace memberd::photo {

enum class ImageFormat { jpeg, png, webp, gif };
const char* format_name(ImageFormat format);  // "JPEG", "PNG", "WebP", "GIF"

// The format by the file's magic bytes; nullopt for anything else (SVG,
// HEIC, PDF, TIFF, BMP, text): the client's Content-Type and file name are
// never asked.
std::optional<ImageFormat> sniff_format(std::string_view bytes);

// Starts libvips once per process (a hot swap loads the plugin again;
// libvips itself stays loaded and must never be shut down) and blocks every
// loader but the four, and every operation libvips marks untrusted. Bounds
// its operation cache (nothing is reused between uploads) and its threads
// per image (the plugin's pool decides how many images run at once).
// Throws std::runtime_error when libvips cannot start.
void lock_down_libvips();

struct RenderSettings {
  std::vector<std::pair<std::string, int>> sizes;  // {"small", 64}, ...: square edge in pixels
  long long max_pixels = 50'000'000;
  int jpeg_quality = 85;
  int webp_quality = 80;
  std::chrono::milliseconds time_limit{10'000};
};

struct Rendition {
  std::string size;    // "small"
  int edge = 0;        // pixels
  std::string format;  // "jpeg" or "webp"
  std::string bytes;
};

enum class ImageProblem {
  unsupported_type,  // not JPEG, PNG, WebP or GIF by its content
  too_many_pixels,   // the header claims more than max_pixels
  undecodable,       // damaged, truncated, or refused by the loader
  timed_out,         // took longer than time_limit
};

struct RenderedPhoto {
  std::optional<ImageProblem> problem;
  ImageFormat format = ImageFormat::jpeg;
  int width = 0, height = 0;        // the original's, as its header says
  std::vector<Rendition> renditions;  // every size as JPEG and WebP
};

// Decides the format, checks the header's pixel count, then renders every
// size: auto-oriented by its EXIF orientation, the first frame only,
// colour converted to sRGB from any embedded ICC profile, flattened onto
// white, centre-cropped square, saved as JPEG and WebP with no EXIF, XMP,
// IPTC, ICC or comment. Blocks for the whole work (tens of ms for a 2 MP
// JPEG). Never throws for bad input: the problem says what was wrong.
RenderedPhoto render_photo(std::string_view bytes, const RenderSettings& settings);

}  // namespace memberd::photo
