#pragma once
// What the photo plugin and its decoding process (worker/) say to each other
// over their socket: one request (the settings and the upload's bytes), one
// answer (the problem or the renditions), each framed as a 4-byte magic and a
// 4-byte length. Both sides treat the other's bytes as untrusted: every
// length is checked against what is left and against a cap before anything
// is allocated, and a malformed message is a ProtocolError, never a crash.
#include "image_types.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace memberd::photo {

struct ProtocolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The largest message either side accepts: an upload or six renditions.
inline constexpr std::size_t max_message_bytes = 256u * 1024 * 1024;

struct RenderRequest {
  RenderSettings settings;
  std::string image;
};

struct RenderAnswer {
  RenderedPhoto photo;
  // The worker's CPU time since it started: the plugin retires a worker
  // before its RLIMIT_CPU (a lifetime total) could end an upload midway.
  std::int64_t cpu_milliseconds = 0;
};

std::string encode_request(const RenderRequest& request);
RenderRequest decode_request(std::string_view payload);  // throws ProtocolError
std::string encode_answer(const RenderAnswer& answer);
RenderAnswer decode_answer(std::string_view payload);  // throws ProtocolError

// A message on the wire: magic, length (both little-endian u32), payload.
// Throws ProtocolError for a payload over max_message_bytes.
std::string frame(std::string_view payload);
// frame(encode_request({settings, image})) without copying the image twice.
std::string framed_request(const RenderSettings& settings, std::string_view image);
inline constexpr std::size_t frame_header_bytes = 8;
// The payload length a header announces; throws ProtocolError for a wrong
// magic or a length over max_message_bytes.
std::size_t announced_length(std::string_view header);

}  // namespace memberd::photo
