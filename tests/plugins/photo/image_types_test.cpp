// What the plugin decides about an upload without decoding it: the GIF
// geometry check (issue 26, F3) and the worker protocol's refusals.
#include "image_types.hpp"
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
