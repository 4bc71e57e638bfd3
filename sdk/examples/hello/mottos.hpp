#pragma once
// A member's motto, shown to others only once an admin approves it: the
// example of a third party's review kind ("hello.motto"). The member's PUT
// submits it to the host's review queue (Host::reviews()); the decision
// comes back as a review.approved or review.rejected event, and only an
// approval writes hello_mottos. The console shows the kind through
// ui/review-motto.js (Host::add_review_kind).
#include <memberd/host.hpp>

#include <chrono>
#include <cstddef>

namespace hello {

inline constexpr const char* kMottoKind = "hello.motto";

struct MottoRules {
  std::size_t max_length = 200;
  std::chrono::seconds review_window{24 * 3600};
};

// GET /api/v1/hello/motto (the member's published motto and what waits) and
// PUT /api/v1/hello/motto {text} (202: waits for an admin).
void add_motto_routes(memberd::Host& host, MottoRules rules);
// Publishes an approved motto in the decision's own transaction.
void subscribe_to_motto_decisions(memberd::Host& host);

}  // namespace hello
