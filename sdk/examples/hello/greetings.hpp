#pragma once
// The example's one piece of logic: greetings that members leave, kept in the
// plugin's own table and announced with a domain event.
#include <memberd/host.hpp>

namespace hello {

memberd::Response list_greetings(const memberd::Request& request);
memberd::Response add_greeting(memberd::Host& host, const memberd::Request& request, std::size_t max_length);

}  // namespace hello
