#include "recovery_codes.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace memberd::two_step {

namespace {
constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
constexpr std::size_t kCodeLength = 10;
}  // namespace

std::vector<std::string> new_recovery_codes() {
  std::vector<std::string> codes;
  for (std::size_t i = 0; i < kRecoveryCodeCount; ++i) {
    unsigned char random[kCodeLength];
    if (RAND_bytes(random, sizeof random) != 1) throw std::runtime_error("the CSPRNG failed");
    std::string code;
    for (std::size_t j = 0; j < kCodeLength; ++j) {
      if (j == kCodeLength / 2) code += '-';
      code += kAlphabet[random[j] & 31];  // 256 is a multiple of 32: no bias
    }
    codes.push_back(code);
  }
  return codes;
}

std::optional<std::string> normalize_recovery_code(std::string_view typed) {
  if (typed.size() > 64) return std::nullopt;
  std::string code;
  for (char c : typed) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool in_alphabet = (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7');
    if (!in_alphabet) return std::nullopt;
    code += c;
  }
  if (code.size() != kCodeLength) return std::nullopt;
  return code;
}

}  // namespace memberd::two_step
