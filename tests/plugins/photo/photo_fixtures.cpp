#include "photo_fixtures.hpp"

#include <vips/vips8>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace memberd::test::photos {

namespace {

void start_vips() {
  static bool started = [] { return VIPS_INIT("photo_tests") == 0; }();
  if (!started) throw std::runtime_error("libvips did not start");
}

std::string saved(const vips::VImage& image, const char* suffix, vips::VOption* options = nullptr) {
  void* buffer = nullptr;
  std::size_t length = 0;
  image.write_to_buffer(suffix, &buffer, &length, options);
  std::string bytes(static_cast<const char*>(buffer), length);
  g_free(buffer);
  return bytes;
}

vips::VImage solid(int width, int height, std::vector<double> rgb) {
  return vips::VImage::black(width, height, vips::VImage::option()->set("bands", 3))
      .linear({1, 1, 1}, rgb)
      .cast(VIPS_FORMAT_UCHAR)
      .copy(vips::VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
}

std::string temp_path(const char* suffix) {
  char name[] = "/tmp/memberd-photo-XXXXXX";
  int fd = mkstemp(name);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  close(fd);
  std::string path = std::string(name) + suffix;
  std::rename(name, path.c_str());
  return path;
}

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed: " + command);
  std::array<char, 4096> chunk;
  while (std::size_t n = std::fread(chunk.data(), 1, chunk.size(), pipe)) out.append(chunk.data(), n);
  if (pclose(pipe) != 0) throw std::runtime_error("failed: " + command);
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::uint32_t crc32(const std::string& bytes) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : bytes) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

}  // namespace

std::string jpeg(int width, int height) {
  start_vips();
  return saved(solid(width, height, {40, 160, 90}), ".jpg");
}

std::string jpeg_with_gps_and_orientation() {
  start_vips();
  vips::VImage top = solid(300, 100, {230, 20, 20});
  vips::VImage bottom = solid(300, 100, {20, 20, 230});
  std::string path = temp_path(".jpg");
  write_file(path, saved(top.join(bottom, VIPS_DIRECTION_VERTICAL), ".jpg", vips::VImage::option()->set("Q", 95)));
  run("exiftool -q -overwrite_original -n -Orientation=6 -GPSLatitude=31.2304 -GPSLatitudeRef=N "
      "-GPSLongitude=121.4737 -GPSLongitudeRef=E -XMP-dc:Creator='Secret Person' -Comment='secret comment' " +
      path);
  std::string bytes = read_file(path);
  std::remove(path.c_str());
  return bytes;
}

std::string png_with_alpha_and_icc() {
  start_vips();
  vips::VImage rgb = solid(120, 80, {200, 120, 40});
  vips::VImage alpha = vips::VImage::black(120, 80).linear(1.0, 128.0).cast(VIPS_FORMAT_UCHAR);
  vips::VImage image = rgb.bandjoin(alpha).copy(vips::VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
  VipsBlob* profile = vips::VImage::profile_load("p3");
  image.set("icc-profile-data", nullptr, VIPS_AREA(profile)->data, VIPS_AREA(profile)->length);
  vips_area_unref(VIPS_AREA(profile));
  return saved(image, ".png");
}

std::string webp() {
  start_vips();
  return saved(solid(64, 64, {10, 100, 200}), ".webp");
}

std::string animated_gif() {
  start_vips();
  vips::VImage frames = solid(40, 40, {0, 200, 0}).join(solid(40, 40, {200, 0, 0}), VIPS_DIRECTION_VERTICAL);
  frames.set("page-height", 40);
  frames.set("delay", std::vector<int>{100, 100});
  frames.set("loop", 0);
  return saved(frames, ".gif");
}

std::string png_gradient(int width, int height) {
  start_vips();
  vips::VImage x = vips::VImage::xyz(width, height)[0], y = vips::VImage::xyz(width, height)[1];
  vips::VImage image = (x * (255.0 / width)).bandjoin(y * (255.0 / height)).bandjoin(x * 0 + 128);
  return saved(image.cast(VIPS_FORMAT_UCHAR).copy(vips::VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB)),
               ".png", vips::VImage::option()->set("compression", 9)->set("interlace", true));
}

std::string gif_large_canvas(int width, int height) {
  auto le16 = [](int v) { return std::string{static_cast<char>(v & 0xFF), static_cast<char>((v >> 8) & 0xFF)}; };
  // LZW (minimum code size 2: 0-3 colours, 4 clear, 5 end) of `width` x
  // `height` pixels of colour 0. For one colour the greedy match after a
  // clear is a run one pixel longer each time: emission j writes the run of
  // j pixels (literal 0, then code 6 + j - 2), and the table learns the run
  // of j + 1 as code 5 + j. At code 4095 the table is full: clear, again.
  std::string packed;
  std::uint32_t buffer = 0;
  int buffered = 0, width_bits = 3;
  auto emit = [&](int code) {
    buffer |= static_cast<std::uint32_t>(code) << buffered;
    buffered += width_bits;
    for (; buffered >= 8; buffered -= 8, buffer >>= 8) packed.push_back(static_cast<char>(buffer & 0xFF));
  };
  long long left = static_cast<long long>(width) * height;
  while (left > 0) {
    emit(4);
    width_bits = 3;
    for (long long run = 1; left > 0; ++run) {
      long long taken = std::min(run, left);  // the last may be shorter: a run the table has
      emit(taken == 1 ? 0 : static_cast<int>(6 + taken - 2));
      left -= taken;
      int learned = static_cast<int>(5 + run);
      // The decoder learns each code one emission later and widens when its
      // table reaches the next power of two: that is this code's moment.
      if (learned == (1 << width_bits) && width_bits < 12) ++width_bits;
      if (learned == 4095) break;
    }
  }
  emit(5);
  if (buffered > 0) packed.push_back(static_cast<char>(buffer & 0xFF));
  std::string blocks;
  for (std::size_t at = 0; at < packed.size(); at += 255) {
    std::size_t n = std::min<std::size_t>(255, packed.size() - at);
    blocks += static_cast<char>(n);
    blocks.append(packed, at, n);
  }
  // A 2-colour global table (red, white); one frame covering the screen.
  return "GIF89a" + le16(width) + le16(height) + std::string("\x80\x00\x00\xc8\x00\x00\xff\xff\xff", 9) + "," +
         le16(0) + le16(0) + le16(width) + le16(height) + std::string("\x00\x02", 2) + blocks + std::string("\x00;", 2);
}

std::string png_claiming_50000_squared() {
  std::string ihdr = "IHDR" + be32(50000) + be32(50000) + std::string("\x08\x02\x00\x00\x00", 5);
  // The start of its pixel data, then nothing: a zlib stream with one
  // stored block of 1,000 zero bytes (the first row's filter byte and a
  // few pixels) and no IEND. libvips reads this header happily.
  std::string zeros(1000, '\0');
  std::string zlib = std::string("\x78\x01\x01", 3) + char(1000 & 0xFF) + char(1000 >> 8) +
                     char(~1000 & 0xFF) + char((~1000 >> 8) & 0xFF) + zeros + be32((1000u << 16) | 1u);
  std::string idat = "IDAT" + zlib;
  return std::string("\x89PNG\r\n\x1A\n", 8) + be32(13) + ihdr + be32(crc32(ihdr)) + be32(zlib.size()) + idat +
         be32(crc32(idat));
}

std::string exiftool_json(const std::string& bytes) {
  std::string path = temp_path(".img");
  write_file(path, bytes);
  std::string out = run("exiftool -j -a -G1 " + path);
  std::remove(path.c_str());
  return out;
}

Rgb pixel(const std::string& bytes, int x, int y) {
  start_vips();
  vips::VImage image = vips::VImage::new_from_buffer(bytes.data(), bytes.size(), "");
  auto values = image.getpoint(x, y);
  if (values.size() < 3) return {int(values[0]), int(values[0]), int(values[0])};
  return {int(values[0]), int(values[1]), int(values[2])};
}

int width_of(const std::string& bytes) {
  start_vips();
  return vips::VImage::new_from_buffer(bytes.data(), bytes.size(), "").width();
}

}  // namespace memberd::test::photos
