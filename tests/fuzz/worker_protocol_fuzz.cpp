// The photo plugin's protocol with its decoding process
// (plugins/photo/worker_protocol.cpp): the plugin reads answers from a
// process that has just decoded hostile bytes and may be compromised, and
// the worker reads requests. Neither may crash, allocate what a length
// claims before checking it, or accept trailing bytes.
//
// Checked: whatever decodes encodes back to the same bytes.
#include "worker_protocol.hpp"

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace memberd::photo;
  const std::string_view bytes = memberd::fuzz::text_of(data, size);
  try {
    RenderAnswer answer = decode_answer(bytes);
    FUZZ_CHECK(encode_answer(answer) == bytes);
  } catch (const ProtocolError&) {
  }
  try {
    RenderRequest request = decode_request(bytes);
    FUZZ_CHECK(encode_request(request) == bytes);
  } catch (const ProtocolError&) {
  }
  try {
    (void)announced_length(bytes.substr(0, frame_header_bytes));
  } catch (const ProtocolError&) {
  }
  return 0;
}
