// Unsubscribe tokens (plugins/email_service/unsubscribe_token.cpp) checked
// the way check_unsubscribe_token() checks them, with the daemon's HMAC
// (daemon/util/crypto.cpp) under one fixed key instead of the key table.
// The seed corpus holds tokens signed with that key (tests/fuzz/README.md
// says how to make more), so mutations start from links that verify.
//
// Checked: a token that verifies is byte for byte the one the signer makes
// for its claim (no second spelling of a link: one link, one claim); the
// signer's token for any claim of the right shape reads back as that claim.
#include "unsubscribe_token.hpp"
#include "util/crypto.hpp"

#include "fuzz_check.hpp"

namespace {

using memberd::email_service::UnsubscribeTokenParts;

// The seeds in corpus/unsubscribe_token were signed with this.
constexpr std::string_view kSecret = "memberd-fuzz-unsubscribe-key";

std::string mac_of(const UnsubscribeTokenParts& parts) {
  return memberd::hmac_sha256_hex(
             kSecret, memberd::email_service::unsubscribe_signed_text(parts.version, parts.member_id, parts.category_id))
      .substr(0, memberd::email_service::kUnsubscribeMacHexDigits);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace memberd::email_service;
  const std::string_view token = memberd::fuzz::text_of(data, size);
  const auto parts = parse_unsubscribe_token(token);
  if (!parts) return 0;

  UnsubscribeTokenParts signed_parts = *parts;
  signed_parts.mac = mac_of(*parts);
  const std::string signer_token = unsubscribe_token_text(signed_parts);
  if (memberd::constant_time_equal(signed_parts.mac, parts->mac)) FUZZ_CHECK(token == signer_token);

  const auto read_back = parse_unsubscribe_token(signer_token);
  FUZZ_CHECK(read_back && read_back->version == parts->version && read_back->member_id == parts->member_id &&
             read_back->category_id == parts->category_id && read_back->mac == signed_parts.mac);
  return 0;
}
