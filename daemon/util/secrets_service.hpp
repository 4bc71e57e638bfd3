#pragma once
// The core's `memberd::Secrets`: the daemon's own token, digest and
// comparison helpers (util/crypto.hpp), offered to plugins.
#include <memberd/host.hpp>

#include "util/crypto.hpp"

#include <stdexcept>

namespace memberd {

class SecretsService final : public Secrets {
 public:
  Result<std::string> random_token(std::size_t bytes) const override {
    try {
      return memberd::random_token(bytes);
    } catch (const std::runtime_error&) {
      return Failure{Refusal::internal};
    }
  }
  std::string sha256_hex(std::string_view data) const override { return memberd::sha256_hex(data); }
  bool equal(std::string_view a, std::string_view b) const override { return constant_time_equal(a, b); }
  std::string hmac_sha256(std::string_view key, std::string_view data) const override {
    return hmac_sha256_hex(key, data);
  }
};

}  // namespace memberd
