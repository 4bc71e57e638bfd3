#pragma once
// A PublicKeyCredential as the page sends it (the JSON form of WebAuthn L3's
// toJSON(): base64url fields), decoded and bounded before anything parses
// what is inside.
#include <nlohmann/json_fwd.hpp>

#include <string>
#include <utility>
#include <variant>

namespace memberd::two_step {

struct CredentialJson {
  std::string id;  // base64url, as sent (the key of two_step_passkeys)
  std::string client_data_json;
  std::string attestation_object;  // a registration's
  std::string authenticator_data, signature, user_handle;  // an assertion's (user_handle may be empty)
};

enum class CeremonyKind { create, get };

// The credential in `value`, or the field and the words to show.
using ParsedCredential = std::variant<CredentialJson, std::pair<std::string, std::string>>;
ParsedCredential read_credential(const nlohmann::json& value, CeremonyKind kind);

}  // namespace memberd::two_step
