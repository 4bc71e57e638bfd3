#pragma once
// What the photo plugin knows about an upload without decoding it, and the
// shapes of a render's settings and result: shared by the plugin (which
// never links an image library) and its decoding process (worker/), which
// does the pixel work in image_pipeline.hpp.
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
  too_many_pixels,   // the header claims more than max_pixels (any GIF frame, or the canvas they span)
  undecodable,       // damaged, truncated, or refused by the loader
  timed_out,         // took longer than time_limit
};

// A GIF's geometry from its blocks, read without decoding: the decoder's
// canvas spans the logical screen and every frame, wherever a frame says it
// lies (issue 26, F3: a 43-byte GIF with a 1 x 1 screen and a frame far
// outside it passed the header check, then made libvips ask for 15.6 GB).
// Returns too_many_pixels when that canvas exceeds max_pixels, undecodable
// when no frame can be read (malformed blocks, an empty frame, no frame
// before the data ends), nullopt when it may be decoded. Linear in the size.
std::optional<ImageProblem> check_gif_geometry(std::string_view bytes, long long max_pixels);

// An image's width and height in pixels, as its header says.
struct ImageSize {
  long long width = 0, height = 0;
};

// The size a decoder will work at, read from the header without decoding:
// JPEG's first frame header (SOFn), PNG's IHDR, WebP's VP8/VP8L/VP8X
// header, and for a GIF the canvas its frames span (as check_gif_geometry
// computes it). nullopt when the header cannot be found or read; the
// decoder then decides (most likely: undecodable). Linear in the size,
// never throws.
std::optional<ImageSize> header_size(std::string_view bytes, ImageFormat format);

// The pixels the decoding process holds while it makes a square of
// `largest_edge` from an image of `size`: what the plugin admits uploads
// by (photo.pixel_budget). libvips shrinks JPEG while it decodes, by 2, 4
// or 8 while the result still covers the square, and WebP to any scale
// (counted like JPEG: never more than it needs); PNG and GIF it decodes
// whole, every pixel (a GIF's whole canvas). At least 1.
long long decoded_pixels(ImageFormat format, ImageSize size, int largest_edge);

struct RenderedPhoto {
  std::optional<ImageProblem> problem;
  ImageFormat format = ImageFormat::jpeg;
  int width = 0, height = 0;        // the original's, as its header says
  std::vector<Rendition> renditions;  // every size as JPEG and WebP
};

}  // namespace memberd::photo
