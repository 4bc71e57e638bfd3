#pragma once
// What every flow of the plugin shares, built once in start().
#include "after_response.hpp"
#include "member_facts.hpp"
#include "settings.hpp"
#include "tokens.hpp"

#include <memberd/host.hpp>

#include <memory>

namespace memberd::credentials {

struct Context {
  Host& host;
  Settings settings;
  Tokens tokens;
  AfterResponse after_response{host};
  MemberFactsCache member_facts{host.changes()};  // built in start(): it listens

  Context(Host& h, Settings s) : host(h), settings(std::move(s)), tokens(h.secrets(), h.clock()) {}
};

}  // namespace memberd::credentials
