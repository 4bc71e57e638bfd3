// What must hold of the CBOR a client sent before libcbor loads it.
//
// libcbor's cbor_load allocates a definite array or map for the length its
// header declares before it reads a single element: nine hostile bytes
// asking for 2^32 elements cost gigabytes. libfido2 calls cbor_load on what
// it parses too (the COSE key and the extensions in authenticator data), so
// every CBOR from a client is first walked here, with libcbor's streaming
// decoder, which allocates nothing.
#pragma once

#include <string_view>

namespace memberd::two_step {

// True when every CBOR header in `data` reads (a definite string's bytes
// all there), none is of indefinite length (CTAP2's canonical form never
// uses one), and their arrays and maps declare, all together, no more
// elements than `data` has bytes. Every element is an item of its own and
// starts at a byte of its own, so well-formed CBOR always passes; what
// passes may still be malformed (a short container, a stray break), which
// cbor_load then refuses, but it costs libcbor at most an item and a
// pointer (some 70 bytes) per input byte. Linear in data.size(); allocates
// nothing.
bool cbor_sizes_bounded(std::string_view data);

// Which ceremony authenticator data came from: libfido2 reads them
// differently (see authenticator_data_cbor).
enum class Ceremony { registration, assertion };

// The CBOR in authenticator data (WebAuthn L2 6.1) that libfido2 will hand
// to cbor_load, read the way libfido2 reads it:
//  - registration: after the 37 fixed bytes and, when flag AT is set, the
//    attested credential data's header and id; the COSE key, then the
//    extensions (flag ED);
//  - assertion: everything after the 37 fixed bytes, whatever the flags say.
//    libfido2 never looks for attested credential data in an assertion, so
//    an assertion that sets AT must not move where the walk starts: that
//    difference once let 123 bytes ask libcbor for 20 GB (fuzzer, stop 43).
// Empty when there is none, or when an AT header runs past the end (which
// libfido2 refuses before any CBOR).
std::string_view authenticator_data_cbor(std::string_view auth, Ceremony ceremony);

}  // namespace memberd::two_step
