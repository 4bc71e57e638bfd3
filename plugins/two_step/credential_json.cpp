#include "credential_json.hpp"

#include "webauthn.hpp"

#include <memberd/base64.hpp>

#include <nlohmann/json.hpp>

namespace memberd::two_step {

namespace {

using Bad = std::pair<std::string, std::string>;

// A base64url field of `response` (or of the credential itself), decoded;
// nullopt when missing, not base64url, or longer than `max` bytes.
std::optional<std::string> field_bytes(const nlohmann::json& object, const char* name, std::size_t max) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  const auto& text = it->get_ref<const std::string&>();
  if (text.size() > (max * 4) / 3 + 4) return std::nullopt;
  for (char c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '=') return std::nullopt;
  return base64_decode(text);
}

}  // namespace

ParsedCredential read_credential(const nlohmann::json& value, CeremonyKind kind) {
  const Bad unreadable{"credential", "Your browser's passkey answer could not be read. Try again."};
  if (!value.is_object()) return unreadable;
  auto type = value.find("type");
  if (type != value.end() && (!type->is_string() || *type != "public-key")) return unreadable;
  auto response = value.find("response");
  if (response == value.end() || !response->is_object()) return unreadable;
  CredentialJson out;
  auto raw_id = field_bytes(value, "rawId", kMaxCredentialIdBytes);
  if (!raw_id) raw_id = field_bytes(value, "id", kMaxCredentialIdBytes);
  if (!raw_id || raw_id->empty()) return unreadable;
  out.id = base64_encode(*raw_id, Base64::url);
  auto client_data = field_bytes(*response, "clientDataJSON", kMaxClientDataBytes);
  if (!client_data || client_data->empty()) return unreadable;
  out.client_data_json = std::move(*client_data);
  if (kind == CeremonyKind::create) {
    auto attestation = field_bytes(*response, "attestationObject", kMaxAttestationBytes);
    if (!attestation || attestation->empty()) return unreadable;
    out.attestation_object = std::move(*attestation);
  } else {
    auto auth = field_bytes(*response, "authenticatorData", kMaxAuthenticatorDataBytes);
    auto signature = field_bytes(*response, "signature", kMaxSignatureBytes);
    if (!auth || !signature || auth->empty() || signature->empty()) return unreadable;
    out.authenticator_data = std::move(*auth);
    out.signature = std::move(*signature);
    if (response->contains("userHandle") && !(*response)["userHandle"].is_null()) {
      auto handle = field_bytes(*response, "userHandle", 64);
      if (!handle) return unreadable;
      out.user_handle = std::move(*handle);
    }
  }
  return out;
}

}  // namespace memberd::two_step
