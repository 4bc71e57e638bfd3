#include "worker_protocol.hpp"

#include <cstring>

namespace memberd::photo {

namespace {

constexpr std::uint32_t kMagic = 0x31575050;  // "PPW1" read as little-endian
constexpr std::uint32_t kMaxRenditions = 64;

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_i64(std::string& out, std::int64_t value) {
  auto v = static_cast<std::uint64_t>(value);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_bytes(std::string& out, std::string_view bytes) {
  put_u32(out, static_cast<std::uint32_t>(bytes.size()));
  out.append(bytes);
}

// Reads values off a payload, refusing to run past its end.
class Reader {
 public:
  explicit Reader(std::string_view payload) : rest_(payload) {}
  std::uint32_t u32() {
    auto raw = take(4);
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(raw[i]);
    return v;
  }
  std::int64_t i64() {
    auto raw = take(8);
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(raw[i]);
    return static_cast<std::int64_t>(v);
  }
  int i32() { return static_cast<std::int32_t>(u32()); }
  std::string bytes() { return std::string(take(u32())); }
  void finish() const {
    if (!rest_.empty()) throw ProtocolError("trailing bytes in a message");
  }

 private:
  std::string_view take(std::size_t n) {
    if (n > rest_.size()) throw ProtocolError("a message ends early");
    auto out = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return out;
  }
  std::string_view rest_;
};

template <class Enum>
Enum enum_of(std::uint32_t value, Enum last) {
  if (value > static_cast<std::uint32_t>(last)) throw ProtocolError("an unknown enum value");
  return static_cast<Enum>(value);
}

// Appends a request's payload to `out`: the settings, then the image.
void append_request(std::string& out, const RenderSettings& s, std::string_view image) {
  put_i64(out, s.max_pixels);
  put_u32(out, static_cast<std::uint32_t>(s.jpeg_quality));
  put_u32(out, static_cast<std::uint32_t>(s.webp_quality));
  put_i64(out, s.time_limit.count());
  put_u32(out, static_cast<std::uint32_t>(s.sizes.size()));
  for (const auto& [name, edge] : s.sizes) {
    put_bytes(out, name);
    put_u32(out, static_cast<std::uint32_t>(edge));
  }
  put_bytes(out, image);
}

void put_frame_header(std::string& out, std::size_t at, std::size_t payload_bytes) {
  if (payload_bytes > max_message_bytes) throw ProtocolError("a message over the size cap");
  std::string header;
  put_u32(header, kMagic);
  put_u32(header, static_cast<std::uint32_t>(payload_bytes));
  out.replace(at, frame_header_bytes, header);
}

}  // namespace

std::string encode_request(const RenderRequest& request) {
  std::string out;
  append_request(out, request.settings, request.image);
  return out;
}

std::string framed_request(const RenderSettings& settings, std::string_view image) {
  // One buffer, one copy of the upload: it may be tens of megabytes.
  std::string out(frame_header_bytes, '\0');
  out.reserve(frame_header_bytes + image.size() + 256);
  append_request(out, settings, image);
  put_frame_header(out, 0, out.size() - frame_header_bytes);
  return out;
}

RenderRequest decode_request(std::string_view payload) {
  Reader in(payload);
  RenderRequest request;
  auto& s = request.settings;
  s.max_pixels = in.i64();
  s.jpeg_quality = in.i32();
  s.webp_quality = in.i32();
  s.time_limit = std::chrono::milliseconds(in.i64());
  std::uint32_t sizes = in.u32();
  if (sizes > kMaxRenditions) throw ProtocolError("too many sizes");
  for (std::uint32_t i = 0; i < sizes; ++i) {
    std::string name = in.bytes();
    int edge = in.i32();
    if (edge < 1 || edge > 8192) throw ProtocolError("a size out of range");
    s.sizes.emplace_back(std::move(name), edge);
  }
  request.image = in.bytes();
  in.finish();
  return request;
}

std::string encode_answer(const RenderAnswer& answer) {
  const auto& p = answer.photo;
  std::string out;
  put_u32(out, p.problem ? static_cast<std::uint32_t>(*p.problem) + 1 : 0);
  put_u32(out, static_cast<std::uint32_t>(p.format));
  put_u32(out, static_cast<std::uint32_t>(p.width));
  put_u32(out, static_cast<std::uint32_t>(p.height));
  put_u32(out, static_cast<std::uint32_t>(p.renditions.size()));
  for (const auto& r : p.renditions) {
    put_bytes(out, r.size);
    put_u32(out, static_cast<std::uint32_t>(r.edge));
    put_bytes(out, r.format);
    put_bytes(out, r.bytes);
  }
  put_i64(out, answer.cpu_milliseconds);
  return out;
}

RenderAnswer decode_answer(std::string_view payload) {
  Reader in(payload);
  RenderAnswer answer;
  auto& p = answer.photo;
  if (std::uint32_t problem = in.u32(); problem != 0)
    p.problem = enum_of(problem - 1, ImageProblem::timed_out);
  p.format = enum_of(in.u32(), ImageFormat::gif);
  p.width = in.i32();
  p.height = in.i32();
  std::uint32_t count = in.u32();
  if (count > kMaxRenditions) throw ProtocolError("too many renditions");
  for (std::uint32_t i = 0; i < count; ++i) {
    Rendition r;
    r.size = in.bytes();
    r.edge = in.i32();
    r.format = in.bytes();
    if (r.format != "jpeg" && r.format != "webp") throw ProtocolError("a rendition of an unknown format");
    r.bytes = in.bytes();
    p.renditions.push_back(std::move(r));
  }
  answer.cpu_milliseconds = in.i64();
  in.finish();
  return answer;
}

std::string frame(std::string_view payload) {
  std::string out(frame_header_bytes, '\0');
  out.append(payload);
  put_frame_header(out, 0, payload.size());
  return out;
}

std::size_t announced_length(std::string_view header) {
  Reader in(header);
  if (in.u32() != kMagic) throw ProtocolError("not a photo worker message");
  std::uint32_t length = in.u32();
  if (length > max_message_bytes) throw ProtocolError("a message over the size cap");
  return length;
}

}  // namespace memberd::photo
