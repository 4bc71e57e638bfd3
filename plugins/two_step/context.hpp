#pragma once
// What every flow of the plugin shares, built once in start().
#include "secret_box.hpp"
#include "settings.hpp"

#include <memberd/host.hpp>

namespace memberd::two_step {

struct Context {
  Host& host;
  Settings settings;
  SecretBox box;

  Context(Host& h, Settings s, const Key& key) : host(h), settings(std::move(s)), box(key) {}
};

}  // namespace memberd::two_step
