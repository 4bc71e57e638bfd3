#include "image_pipeline.hpp"

#include <vips/vips8>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace memberd::photo {

namespace {

// A blob that borrows the upload's bytes: libvips reads them in place.
struct BorrowedBlob {
  explicit BorrowedBlob(std::string_view bytes) : blob(vips_blob_new(nullptr, bytes.data(), bytes.size())) {}
  ~BorrowedBlob() { vips_area_unref(VIPS_AREA(blob)); }
  BorrowedBlob(const BorrowedBlob&) = delete;
  BorrowedBlob& operator=(const BorrowedBlob&) = delete;
  VipsBlob* blob;
};

// The loader for the sniffed format, by name: libvips never picks another.
vips::VImage load_header(ImageFormat format, VipsBlob* blob) {
  auto options = vips::VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL)->set("fail_on", VIPS_FAIL_ON_ERROR);
  switch (format) {
    case ImageFormat::jpeg: return vips::VImage::jpegload_buffer(blob, options);
    case ImageFormat::png: return vips::VImage::pngload_buffer(blob, options);
    case ImageFormat::webp: return vips::VImage::webpload_buffer(blob, options);
    case ImageFormat::gif: return vips::VImage::gifload_buffer(blob, options);
  }
  throw std::logic_error("unknown image format");
}

// Stops the pipeline once the deadline passes: libvips asks on each batch
// of tiles, and a killed image fails its save with an error.
struct Deadline {
  std::chrono::steady_clock::time_point at;
  bool passed = false;
};

void on_eval(VipsImage* image, VipsProgress*, void* user) {
  auto* deadline = static_cast<Deadline*>(user);
  if (std::chrono::steady_clock::now() < deadline->at) return;
  deadline->passed = true;
  vips_image_set_kill(image, TRUE);
}

// Every metadata field goes: EXIF (GPS included), XMP, IPTC, the ICC
// profile (the pixels are sRGB by now), comments, orientation. WebP's saver
// in 8.14 writes EXIF even with `strip`, so the fields themselves must go.
vips::VImage without_metadata(const vips::VImage& image) {
  vips::VImage bare = image.copy();
  gchar** fields = vips_image_get_fields(bare.get_image());
  for (gchar** field = fields; *field; ++field) bare.remove(*field);  // the basic properties stay: they are not metadata
  g_strfreev(fields);
  return bare;
}

std::string saved(const vips::VImage& image, const char* suffix, vips::VOption* options, Deadline& deadline) {
  vips_image_set_progress(image.get_image(), TRUE);
  gulong handler = g_signal_connect(image.get_image(), "eval", G_CALLBACK(on_eval), &deadline);
  void* buffer = nullptr;
  std::size_t length = 0;
  try {
    image.write_to_buffer(suffix, &buffer, &length, options);
  } catch (...) {
    g_signal_handler_disconnect(image.get_image(), handler);
    throw;
  }
  g_signal_handler_disconnect(image.get_image(), handler);
  std::string bytes(static_cast<const char*>(buffer), length);
  g_free(buffer);
  return bytes;
}

std::uint32_t le32(std::string_view b, std::size_t at) {
  return std::uint32_t(static_cast<unsigned char>(b[at])) | std::uint32_t(static_cast<unsigned char>(b[at + 1])) << 8 |
         std::uint32_t(static_cast<unsigned char>(b[at + 2])) << 16 |
         std::uint32_t(static_cast<unsigned char>(b[at + 3])) << 24;
}

void put_le32(std::string& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

// libvips 8.14's WebP saver writes an EXIF chunk even when the image has no
// metadata left (it makes one from the resolution and orientation, `strip`
// or not): the container's EXIF, XMP and ICCP chunks are dropped here, and
// their flags in VP8X cleared. Only the RIFF framing is touched, never the
// encoded pixels. Throws std::runtime_error on a container it did not write.
std::string without_webp_metadata(const std::string& webp) {
  if (webp.size() < 12 || webp.compare(0, 4, "RIFF") != 0 || webp.compare(8, 4, "WEBP") != 0)
    throw std::runtime_error("not a WebP container");
  std::string out = webp.substr(0, 12);
  std::size_t at = 12, vp8x = std::string::npos;
  while (at + 8 <= webp.size()) {
    std::string_view fourcc(webp.data() + at, 4);
    std::size_t size = le32(webp, at + 4), padded = size + (size & 1);
    if (at + 8 + size > webp.size()) throw std::runtime_error("a truncated WebP chunk");
    if (fourcc != "EXIF" && fourcc != "XMP " && fourcc != "ICCP") {
      if (fourcc == "VP8X") vp8x = out.size();
      out.append(webp, at, std::min(8 + padded, webp.size() - at));
    }
    at += 8 + padded;
  }
  if (vp8x != std::string::npos) out[vp8x + 8] = static_cast<char>(out[vp8x + 8] & ~(0x20 | 0x08 | 0x04));
  put_le32(out, 4, static_cast<std::uint32_t>(out.size() - 8));
  return out;
}

vips::VImage square(VipsBlob* blob, int edge) {
  // thumbnail_buffer shrinks on load (a 12 MP JPEG decodes at 1/8), turns
  // the image upright by its orientation, takes the first frame; the loader
  // fails on truncated data.
  vips::VImage image = vips::VImage::thumbnail_buffer(blob, edge,
                                                      vips::VImage::option()
                                                          ->set("height", edge)
                                                          ->set("crop", VIPS_INTERESTING_CENTRE)
                                                          ->set("option_string", "fail-on=error"));
  // An embedded profile brings the colours to sRGB here, after the resize:
  // thumbnail_buffer's own export_profile wrote past a buffer in libvips
  // 8.14.1 (via lcms2) when it enlarged a thin RGBA image, a 300 x 10 PNG
  // to 512 px, and glibc aborted (issue 26, F1).
  if (image.get_typeof(VIPS_META_ICC_NAME) != 0)
    image = image.icc_transform("srgb", vips::VImage::option()->set("embedded", true));
  if (image.has_alpha()) image = image.flatten(vips::VImage::option()->set("background", std::vector<double>{255, 255, 255}));
  if (image.interpretation() != VIPS_INTERPRETATION_sRGB && image.interpretation() != VIPS_INTERPRETATION_B_W)
    image = image.colourspace(VIPS_INTERPRETATION_sRGB);
  return without_metadata(image.cast(VIPS_FORMAT_UCHAR));
}

}  // namespace

void lock_down_libvips() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Safe to call again after a hot swap: libvips starts once per process.
    if (VIPS_INIT("memberd")) throw std::runtime_error(std::string("libvips did not start: ") + vips_error_buffer());
    vips_block_untrusted_set(TRUE);
    vips_operation_block_set("VipsForeignLoad", TRUE);
    for (const char* allowed : {"VipsForeignLoadJpeg", "VipsForeignLoadPng", "VipsForeignLoadWebp", "VipsForeignLoadNsgif"})
      vips_operation_block_set(allowed, FALSE);
    // Every upload is new bytes: a cache would only keep hostile pixels.
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_concurrency_set(1);
  });
}

RenderedPhoto render_photo(std::string_view bytes, const RenderSettings& settings) {
  RenderedPhoto out;
  auto format = sniff_format(bytes);
  if (!format) {
    out.problem = ImageProblem::unsupported_type;
    return out;
  }
  out.format = *format;
  BorrowedBlob blob(bytes);
  Deadline deadline{std::chrono::steady_clock::now() + settings.time_limit};
  try {
    // The header only (the loaders are lazy): a PNG may claim 50,000 x
    // 50,000 pixels in a few bytes, and libvips would try to decode it.
    vips::VImage header = load_header(*format, blob.blob);
    out.width = header.width();
    out.height = header.height();
    if (static_cast<long long>(out.width) * out.height > settings.max_pixels) {
      out.problem = ImageProblem::too_many_pixels;
      return out;
    }
    if (*format == ImageFormat::gif) {
      if (auto problem = check_gif_geometry(bytes, settings.max_pixels)) {
        out.problem = problem;
        return out;
      }
    }
    for (const auto& [size, edge] : settings.sizes) {
      vips::VImage image = square(blob.blob, edge);
      out.renditions.push_back({size, edge, "jpeg",
                                saved(image, ".jpg",
                                      vips::VImage::option()
                                          ->set("Q", settings.jpeg_quality)
                                          ->set("strip", true)
                                          ->set("optimize_coding", true),
                                      deadline)});
      out.renditions.push_back(
          {size, edge, "webp",
           without_webp_metadata(saved(
               image, ".webp", vips::VImage::option()->set("Q", settings.webp_quality)->set("strip", true), deadline))});
      if (std::chrono::steady_clock::now() >= deadline.at) deadline.passed = true;
      if (deadline.passed) break;
    }
  } catch (const vips::VError&) {
    out.problem = deadline.passed ? ImageProblem::timed_out : ImageProblem::undecodable;
  }
  // VError's text accumulates in libvips' per-thread buffer: start clean.
  vips_error_clear();
  if (!out.problem && deadline.passed) out.problem = ImageProblem::timed_out;
  if (out.problem) out.renditions.clear();
  return out;
}

}  // namespace memberd::photo
