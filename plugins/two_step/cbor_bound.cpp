#include "cbor_bound.hpp"

#include <cbor.h>

#include <cstddef>

namespace memberd::two_step {

namespace {

// What the walk has seen so far: the elements the headers declared against
// the bytes there are.
struct Budget {
  std::size_t elements_left = 0;
  bool bad = false;

  void declare(std::size_t elements) {
    bad = bad || elements > elements_left;
    if (!bad) elements_left -= elements;
  }
};

const cbor_callbacks& bounding_callbacks() {
  static const cbor_callbacks callbacks = [] {
    cbor_callbacks c = cbor_empty_callbacks;
    c.array_start = [](void* ctx, std::size_t n) { static_cast<Budget*>(ctx)->declare(n); };
    c.map_start = [](void* ctx, std::size_t n) {
      auto* budget = static_cast<Budget*>(ctx);
      // A pair is two items; a count past half of size_t cannot be real.
      if (n > budget->elements_left / 2)
        budget->bad = true;
      else
        budget->declare(2 * n);
    };
    c.indef_array_start = c.indef_map_start = c.byte_string_start =
        c.string_start = [](void* ctx) { static_cast<Budget*>(ctx)->bad = true; };
    return c;
  }();
  return callbacks;
}

}  // namespace

bool cbor_sizes_bounded(std::string_view data) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  Budget budget{data.size()};
  std::size_t offset = 0;
  while (offset < data.size()) {
    // One header (and a definite string's bytes, which must all be there).
    cbor_decoder_result r = cbor_stream_decode(bytes + offset, data.size() - offset, &bounding_callbacks(), &budget);
    if (r.status != CBOR_DECODER_FINISHED || r.read == 0 || budget.bad) return false;
    offset += r.read;
  }
  return true;
}

std::string_view authenticator_data_cbor(std::string_view auth, Ceremony ceremony) {
  constexpr std::size_t kFixed = 37, kAttestedHeader = 16 + 2;
  constexpr unsigned char kAttestedCredentialData = 0x40;
  if (auth.size() <= kFixed) return {};
  std::size_t at = kFixed;
  const auto flags = static_cast<unsigned char>(auth[32]);
  if (ceremony == Ceremony::registration && (flags & kAttestedCredentialData)) {
    if (auth.size() < kFixed + kAttestedHeader) return {};
    std::size_t id_length = (static_cast<unsigned char>(auth[53]) << 8) | static_cast<unsigned char>(auth[54]);
    at = kFixed + kAttestedHeader + id_length;
    if (at > auth.size()) return {};
  }
  return auth.substr(at);
}

}  // namespace memberd::two_step
