#pragma once
// The SDK's version, and the build signature that stamps every plugin.
//
// A plugin is a shared library compiled against these headers. The daemon loads
// it into its own address space and calls C++ virtual functions across the
// boundary, so both sides must agree on the C++ ABI: the same SDK major version
// (a host offers every minor version up to its own), the same compiler and
// version, the same `_GLIBCXX_USE_CXX11_ABI` and the same Boost version. The
// daemon refuses a plugin whose signature differs and says which part differs.
// Build your plugin with the toolchain the daemon was built with (as nginx
// dynamic modules are built against the nginx they load into).

#include <boost/version.hpp>

#include <cstdint>
#include <cstring>

#define MEMBERD_SDK_VERSION_MAJOR 1
// Minor versions only add things at the end of host interfaces:
//   1.0  Plugin, Host, Accounts, Database, Events, Mail, Logger, Clock, Metrics, Config
#define MEMBERD_SDK_VERSION_MINOR 0

#define MEMBERD_STRINGIFY_INNER(x) #x
#define MEMBERD_STRINGIFY(x) MEMBERD_STRINGIFY_INNER(x)

#if defined(__clang__)
#define MEMBERD_COMPILER_ID "clang " __clang_version__
#elif defined(__GNUC__)
#define MEMBERD_COMPILER_ID                                                    \
  "gcc " MEMBERD_STRINGIFY(__GNUC__) "." MEMBERD_STRINGIFY(__GNUC_MINOR__)
#else
#define MEMBERD_COMPILER_ID "unknown"
#endif

#ifndef _GLIBCXX_USE_CXX11_ABI
#define MEMBERD_CXX11_ABI 0
#else
#define MEMBERD_CXX11_ABI _GLIBCXX_USE_CXX11_ABI
#endif

namespace memberd {

// Plain C layout on purpose: the host reads it before trusting anything else
// in the library.
struct BuildSignature {
  std::uint32_t sdk_major;
  std::uint32_t sdk_minor;
  char compiler[48];
  std::uint32_t cxx11_abi;
  std::uint32_t boost_version;
};

inline constexpr BuildSignature this_build_signature() {
  BuildSignature s{MEMBERD_SDK_VERSION_MAJOR, MEMBERD_SDK_VERSION_MINOR, {},
                   MEMBERD_CXX11_ABI, BOOST_VERSION};
  const char id[] = MEMBERD_COMPILER_ID;
  static_assert(sizeof(id) <= sizeof(s.compiler), "compiler id too long");
  for (std::size_t i = 0; i < sizeof(id); ++i) s.compiler[i] = id[i];
  return s;
}

}  // namespace memberd
