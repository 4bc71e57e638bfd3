#pragma once
// Pictures made for the tests with libvips and exiftool, so that every
// fixture is a real file of its format (nothing hand-faked but the two
// hostile ones, whose point is to be malformed).
#include <string>

namespace memberd::test::photos {

// A 300 x 200 JPEG, top half red, bottom half blue, with EXIF orientation
// 6 (shown rotated 90 degrees clockwise: blue left, red right), GPS
// coordinates, an XMP creator and a comment (exiftool writes them).
std::string jpeg_with_gps_and_orientation();
// A plain colour JPEG of `width` x `height`.
std::string jpeg(int width, int height);
// A 120 x 80 PNG with an alpha channel and a Display P3 ICC profile.
std::string png_with_alpha_and_icc();
// A 64 x 64 lossy WebP.
std::string webp();
// A two-frame animated GIF (frame 1 green, frame 2 red).
std::string animated_gif();
// A large interlaced PNG (smooth gradients: small as a file; libvips must
// decode all of it before the first row, so it is slow).
std::string png_gradient(int width, int height);
// A one-colour (red) GIF of `width` x `height`, LZW at its best: 7000 x 7000
// is some 35 KB that libvips decodes pixel by pixel (no shrink on load for
// GIF), seconds of work and 196 MB: issue 27, L2's cheap-to-send,
// costly-to-decode upload.
std::string gif_large_canvas(int width, int height);
// A PNG claiming 50,000 x 50,000 pixels, cut off after 1,000 bytes of pixel data.
std::string png_claiming_50000_squared();
// What exiftool sees in `bytes`: its JSON, grouped (-G1 -a -j).
std::string exiftool_json(const std::string& bytes);
// The colour (r, g, b) at (x, y) of an image libvips can read.
struct Rgb {
  int r, g, b;
};
Rgb pixel(const std::string& bytes, int x, int y);
int width_of(const std::string& bytes);

}  // namespace memberd::test::photos
