// What the plugin decides about an upload without decoding it: the GIF
// geometry check (issue 26, F3) and the worker protocol's refusals.
#include "image_types.hpp"
#include "photo_fixtures.hpp"
#include "worker_protocol.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>

using namespace memberd::photo;

namespace {

std::string le16(unsigned v) { return {static_cast<char>(v & 0xFF), static_cast<char>(v >> 8)}; }

// A GIF89a with a `screen_w` x `screen_h` logical screen, a 2-colour
// global table and one frame per {left, top, width, height}.
std::string gif(unsigned screen_w, unsigned screen_h, std::vector<std::array<unsigned, 4>> frames) {
  std::string out = "GIF89a" + le16(screen_w) + le16(screen_h) + std::string("\x80\x00\x00", 3) +
                    std::string("\xff\xff\xff\x00\x00\x00", 6);
  for (const auto& [left, top, w, h] : frames)
    out += "," + le16(left) + le16(top) + le16(w) + le16(h) + std::string("\x00\x02\x02\x44\x01\x00", 6);
  return out + ";";
}

}  // namespace

TEST_CASE("a GIF's canvas spans its screen and every frame wherever it lies", "[photo][gif]") {
  CHECK_FALSE(check_gif_geometry(gif(10, 10, {{0, 0, 10, 10}}), 100));
  CHECK(check_gif_geometry(gif(10, 10, {{0, 0, 10, 10}}), 99) == ImageProblem::too_many_pixels);
  // F3: a 1 x 1 screen and a frame far outside it.
  CHECK(check_gif_geometry(gif(1, 1, {{60000, 60000, 4000, 4000}}), 50'000'000) == ImageProblem::too_many_pixels);
  // The second frame is the large one.
  CHECK(check_gif_geometry(gif(8, 8, {{0, 0, 8, 8}, {0, 0, 9000, 9000}}), 50'000'000) ==
        ImageProblem::too_many_pixels);
  // Small frames that together span a large canvas.
  CHECK(check_gif_geometry(gif(1, 1, {{0, 0, 1, 1}, {9000, 9000, 1, 1}}), 50'000'000) ==
        ImageProblem::too_many_pixels);
  // F3's other file: a frame 4097 wide and 0 high.
  CHECK(check_gif_geometry(gif(1, 1, {{0, 0, 4097, 0}}), 50'000'000) == ImageProblem::undecodable);
  // Extensions are skipped; a GIF without a frame is no picture.
  CHECK(check_gif_geometry(gif(1, 1, {}), 100) == ImageProblem::undecodable);
  std::string with_extension = gif(4, 4, {{0, 0, 4, 4}});
  with_extension.insert(19, std::string("\x21\xf9\x04\x00\x00\x00\x00\x00", 8));
  CHECK_FALSE(check_gif_geometry(with_extension, 100));
  // An unknown block, or a cut in the descriptor of the only frame.
  CHECK(check_gif_geometry(gif(4, 4, {}).substr(0, 19) + "\x07", 100) == ImageProblem::undecodable);
  CHECK(check_gif_geometry(gif(4, 4, {{0, 0, 4, 4}}).substr(0, 24), 100) == ImageProblem::undecodable);
  CHECK(check_gif_geometry("GIF89a", 100) == ImageProblem::undecodable);
}

TEST_CASE("an image's size is read from its header, and a GIF's is the canvas its frames span", "[photo][header]") {
  namespace photos = memberd::test::photos;
  auto size_of = [](const std::string& bytes) {
    auto format = sniff_format(bytes);
    REQUIRE(format);
    auto size = header_size(bytes, *format);
    return size ? std::make_pair(size->width, size->height) : std::make_pair(-1LL, -1LL);
  };
  CHECK(size_of(photos::jpeg(640, 480)) == std::make_pair(640LL, 480LL));
  CHECK(size_of(photos::jpeg_with_gps_and_orientation()) == std::make_pair(300LL, 200LL));  // past APP1 and the rest
  CHECK(size_of(photos::png_with_alpha_and_icc()) == std::make_pair(120LL, 80LL));
  CHECK(size_of(photos::png_claiming_50000_squared()) == std::make_pair(50000LL, 50000LL));
  CHECK(size_of(photos::webp()) == std::make_pair(64LL, 64LL));
  CHECK(size_of(photos::gif_large_canvas(7000, 7000)) == std::make_pair(7000LL, 7000LL));
  CHECK(size_of(gif(1, 1, {{0, 0, 1, 1}, {9000, 100, 1, 1}})) == std::make_pair(9001LL, 101LL));
  // WebP's other two headers, by hand: lossless (VP8L) and extended (VP8X).
  std::string riff = std::string("RIFF\x00\x00\x00\x00WEBP", 12);
  unsigned bits = (300 - 1) | (200 - 1) << 14;
  std::string vp8l = riff + "VP8L" + std::string(4, '\0') + "\x2f" +
                     std::string{char(bits & 0xFF), char(bits >> 8 & 0xFF), char(bits >> 16 & 0xFF), char(bits >> 24)} +
                     std::string(8, '\0');
  CHECK(size_of(vp8l) == std::make_pair(300LL, 200LL));
  std::string vp8x = riff + "VP8X" + std::string(8, '\0') + std::string("\x0f\x27\x00\x9f\x0f\x00", 6) + std::string(4, '\0');
  CHECK(size_of(vp8x) == std::make_pair(10000LL, 4000LL));
  // Headers that cannot be read: the decoder decides.
  CHECK_FALSE(header_size("\xFF\xD8\xFF\xDA\x00\x02", ImageFormat::jpeg));
  CHECK_FALSE(header_size(std::string("\x89PNG\r\n\x1A\n", 8), ImageFormat::png));
  CHECK_FALSE(header_size(riff + "VP8 " + std::string(20, '\0'), ImageFormat::webp));
  CHECK_FALSE(header_size(gif(1, 1, {}), ImageFormat::gif));
}

// The flood tests' GIF is hand-encoded LZW: libvips must read every pixel
// of it, across the table's clears (3000 x 3000 needs two).
TEST_CASE("the large-canvas GIF fixture decodes to its size in one colour", "[photo][header]") {
  namespace photos = memberd::test::photos;
  for (auto [w, h] : {std::pair{300, 200}, std::pair{3000, 3000}}) {
    INFO(w << " x " << h);
    std::string gif = photos::gif_large_canvas(w, h);
    CHECK(photos::width_of(gif) == w);
    for (auto [x, y] : {std::pair{0, 0}, std::pair{w - 1, h - 1}, std::pair{w / 2, h - 1}}) {
      auto rgb = photos::pixel(gif, x, y);
      CHECK(rgb.r == 200);
      CHECK(rgb.g == 0);
    }
  }
  CHECK(photos::gif_large_canvas(7000, 7000).size() < 64 * 1024);  // L2: tens of KB for 49 MP
}

TEST_CASE("decoding a PNG or GIF holds every pixel, a JPEG or WebP what shrinking on load leaves", "[photo][header]") {
  // 49 MP: libvips cannot shrink a PNG or a GIF while it decodes.
  CHECK(decoded_pixels(ImageFormat::gif, {7000, 7000}, 512) == 49'000'000);
  CHECK(decoded_pixels(ImageFormat::png, {7000, 7000}, 512) == 49'000'000);
  // A JPEG decodes at 1/8 while the square still fits in what is left.
  CHECK(decoded_pixels(ImageFormat::jpeg, {7000, 7000}, 512) == 875 * 875);
  CHECK(decoded_pixels(ImageFormat::webp, {4000, 3000}, 512) == 1000 * 750);  // 3000 / 4 >= 512, / 8 is not
  CHECK(decoded_pixels(ImageFormat::jpeg, {600, 400}, 512) == 600 * 400);     // no room to shrink
  CHECK(decoded_pixels(ImageFormat::jpeg, {4000, 3000}, 2048) == 4000 * 3000);
  CHECK(decoded_pixels(ImageFormat::jpeg, {1, 1}, 512) == 1);
}

TEST_CASE("the worker protocol round-trips and refuses what it cannot trust", "[photo][protocol]") {
  RenderRequest request;
  request.settings.sizes = {{"small", 64}, {"large", 512}};
  request.settings.time_limit = std::chrono::milliseconds(2500);
  request.image = std::string("\xFF\xD8\xFF\x00 bytes", 10);
  RenderRequest back = decode_request(encode_request(request));
  CHECK(back.settings.sizes == request.settings.sizes);
  CHECK(back.settings.time_limit == request.settings.time_limit);
  CHECK(back.image == request.image);

  RenderAnswer answer;
  answer.photo.format = ImageFormat::png;
  answer.photo.width = 300;
  answer.photo.renditions.push_back({"small", 64, "jpeg", "jpeg bytes"});
  answer.cpu_milliseconds = 1234;
  RenderAnswer decoded = decode_answer(encode_answer(answer));
  CHECK(decoded.photo.format == ImageFormat::png);
  CHECK(decoded.photo.renditions.at(0).bytes == "jpeg bytes");
  CHECK(decoded.cpu_milliseconds == 1234);

  std::string good = encode_answer(answer);
  CHECK_THROWS_AS(decode_answer(good.substr(0, good.size() - 1)), ProtocolError);  // cut short
  CHECK_THROWS_AS(decode_answer(good + "x"), ProtocolError);                      // trailing bytes
  std::string unknown_problem = good;
  unknown_problem[0] = 9;
  CHECK_THROWS_AS(decode_answer(unknown_problem), ProtocolError);
  // A length that claims more than is there never allocates it.
  std::string huge_length = good;
  huge_length.replace(20, 4, std::string("\xff\xff\xff\x7f", 4));
  CHECK_THROWS_AS(decode_answer(huge_length), ProtocolError);
  CHECK_THROWS_AS(announced_length(std::string("PPW1\xff\xff\xff\xff", 8)), ProtocolError);
  CHECK(announced_length(frame("abc").substr(0, frame_header_bytes)) == 3);
  CHECK(framed_request(request.settings, request.image) == frame(encode_request(request)));
}
