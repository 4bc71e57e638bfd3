// The walk that bounds what libcbor may allocate for a client's CBOR
// (plugins/two_step/cbor_bound.hpp), without libfido2 or a daemon.
#include "cbor_bound.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace memberd::two_step;
using namespace std::string_literals;

TEST_CASE("CBOR's declared elements are bounded all together, not header by header", "[two_step][webauthn][fuzz]") {
  // Well-formed CBOR passes: a map of an array, a text string and a byte string.
  CHECK(cbor_sizes_bounded("\xa2\x61" "a\x82\x01\x02\x61" "b\x43xyz"));
  CHECK(cbor_sizes_bounded(""));
  // Twenty nested arrays of five, then ten zeros: each claim fits the bytes
  // after it, but together they claim 100 elements in 30 bytes, and libcbor
  // would allocate every array before finding the input short.
  std::string claims = std::string(20, '\x85') + std::string(10, '\0');
  CHECK_FALSE(cbor_sizes_bounded(claims));
  // A map of 2^63 pairs, whose element count overflows when doubled.
  CHECK_FALSE(cbor_sizes_bounded("\xbb\x80\x00\x00\x00\x00\x00\x00\x00"s + std::string(64, '\0')));
  // Truncated: a byte string that claims more bytes than follow.
  CHECK_FALSE(cbor_sizes_bounded("\x45" "ab"));
}
