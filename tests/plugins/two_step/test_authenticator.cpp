#include "test_authenticator.hpp"

#include <memberd/base64.hpp>

#include <cbor.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>

namespace memberd::test::two_step {

namespace {

std::string sha256(const std::string& data) {
  std::string out(32, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string serialize(cbor_item_t* item) {
  unsigned char* buffer = nullptr;
  std::size_t size = 0;
  std::size_t written = cbor_serialize_alloc(item, &buffer, &size);
  std::string out(reinterpret_cast<const char*>(buffer), written);
  free(buffer);
  return out;
}

cbor_item_t* bytestring(const std::string& s) {
  return cbor_build_bytestring(reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

void put(cbor_item_t* map, cbor_item_t* key, cbor_item_t* value) {
  cbor_map_add(map, cbor_pair{cbor_move(key), cbor_move(value)});
}

}  // namespace

struct TestAuthenticator::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

std::string b64url(const std::string& bytes) { return memberd::base64_encode(bytes, memberd::Base64::url); }

std::string client_data(const std::string& type, const std::string& challenge, const std::string& origin) {
  return nlohmann::json{{"type", type}, {"challenge", challenge}, {"origin", origin}, {"crossOrigin", false}}.dump();
}

TestAuthenticator::TestAuthenticator(std::string rp_id) : rp_id_(std::move(rp_id)), key_(std::make_unique<Key>()) {
  key_->pkey = EVP_EC_gen("P-256");
  if (!key_->pkey) throw std::runtime_error("EVP_EC_gen failed");
  id_.resize(32);
  RAND_bytes(reinterpret_cast<unsigned char*>(id_.data()), static_cast<int>(id_.size()));
  id_b64_ = b64url(id_);
}

TestAuthenticator::~TestAuthenticator() = default;

std::string TestAuthenticator::authenticator_data(unsigned char flags, std::uint32_t counter, bool with_credential) const {
  std::string data = sha256(rp_id_);
  data += static_cast<char>(flags | (with_credential ? 0x40 : 0));
  for (int shift = 24; shift >= 0; shift -= 8) data += static_cast<char>((counter >> shift) & 0xff);
  if (!with_credential) return data;
  data += std::string(16, '\0');  // AAGUID
  data += static_cast<char>(id_.size() >> 8);
  data += static_cast<char>(id_.size() & 0xff);
  data += id_;
  // The COSE key: {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}.
  unsigned char x[32], y[32];
  BIGNUM *bx = nullptr, *by = nullptr;
  EVP_PKEY_get_bn_param(key_->pkey, OSSL_PKEY_PARAM_EC_PUB_X, &bx);
  EVP_PKEY_get_bn_param(key_->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &by);
  BN_bn2binpad(bx, x, 32);
  BN_bn2binpad(by, y, 32);
  BN_free(bx);
  BN_free(by);
  cbor_item_t* cose = cbor_new_definite_map(5);
  put(cose, cbor_build_uint8(1), cbor_build_uint8(2));
  put(cose, cbor_build_uint8(3), cbor_build_negint8(6));
  put(cose, cbor_build_negint8(0), cbor_build_uint8(1));
  put(cose, cbor_build_negint8(1), cbor_build_bytestring(x, 32));
  put(cose, cbor_build_negint8(2), cbor_build_bytestring(y, 32));
  data += serialize(cose);
  cbor_decref(&cose);
  return data;
}

std::string TestAuthenticator::sign(const std::string& message) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t size = 0;
  EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_->pkey);
  EVP_DigestSign(ctx, nullptr, &size, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  std::string signature(size, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &size,
                 reinterpret_cast<const unsigned char*>(message.data()), message.size());
  EVP_MD_CTX_free(ctx);
  signature.resize(size);
  return signature;
}

nlohmann::json TestAuthenticator::create(const std::string& challenge, const std::string& origin, bool packed,
                                         unsigned char flags) {
  std::string client = client_data("webauthn.create", challenge, origin);
  std::string auth = authenticator_data(flags, 0, true);
  cbor_item_t* statement = cbor_new_definite_map(packed ? 2 : 0);
  if (packed) {
    put(statement, cbor_build_string("alg"), cbor_build_negint8(6));
    put(statement, cbor_build_string("sig"), bytestring(sign(auth + sha256(client))));
  }
  cbor_item_t* object = cbor_new_definite_map(3);
  put(object, cbor_build_string("fmt"), cbor_build_string(packed ? "packed" : "none"));
  put(object, cbor_build_string("attStmt"), statement);
  put(object, cbor_build_string("authData"), bytestring(auth));
  std::string attestation = serialize(object);
  cbor_decref(&object);
  return {{"id", id_b64_},
          {"rawId", id_b64_},
          {"type", "public-key"},
          {"response", {{"clientDataJSON", b64url(client)}, {"attestationObject", b64url(attestation)}}}};
}

nlohmann::json TestAuthenticator::get(const std::string& challenge, const std::string& origin, std::uint32_t counter,
                                      unsigned char flags, const std::string& type) {
  std::string client = client_data(type, challenge, origin);
  std::string auth = authenticator_data(flags, counter, false);
  nlohmann::json response{{"clientDataJSON", b64url(client)},
                          {"authenticatorData", b64url(auth)},
                          {"signature", b64url(sign(auth + sha256(client)))}};
  if (!user_handle.empty()) response["userHandle"] = b64url(user_handle);
  return {{"id", id_b64_}, {"rawId", id_b64_}, {"type", "public-key"}, {"response", response}};
}

}  // namespace memberd::test::two_step
