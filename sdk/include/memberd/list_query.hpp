#pragma once
// api.md's list convention, `?limit=N` (default 50, at most 500): one reading
// for every listing, core and plugins alike.
#include <memberd/http.hpp>

#include <string>
#include <utility>
#include <vector>

namespace memberd {

// The page size the request asks for, or `fallback` when it gives none.
// A value that is not a whole number from 1 to `max` adds a field error
// under "limit" to `errors` (answer 422 with them) and returns `fallback`.
// Fails: never.
inline int list_limit(const Request& req, std::vector<std::pair<std::string, std::string>>& errors, int max = 500,
                      int fallback = 50) {
  auto raw = req.query("limit");
  if (!raw) return fallback;
  bool digits = !raw->empty() && raw->size() <= 9 && raw->find_first_not_of("0123456789") == std::string::npos;
  int n = digits ? std::stoi(*raw) : 0;
  if (n >= 1 && n <= max) return n;
  errors.emplace_back("limit", "Give a whole number from 1 to " + std::to_string(max) + ".");
  return fallback;
}

}  // namespace memberd
