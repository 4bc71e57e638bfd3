#pragma once
// What every flow of the plugin shares, built once in start().
#include "secret_box.hpp"
#include "settings.hpp"
#include "webauthn.hpp"

#include <memberd/host.hpp>

namespace memberd::two_step {

struct Context {
  Host& host;
  Settings settings;
  SecretBox box;
  RelyingParty rp;  // from http.public_url: where passkeys are valid (no id: none can be)

  Context(Host& h, Settings s, const Key& key)
      : host(h), settings(std::move(s)), box(key), rp(relying_party_of(h.public_url())) {}
};

}  // namespace memberd::two_step
