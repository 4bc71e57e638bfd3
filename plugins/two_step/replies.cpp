#include "routes.hpp"

#include <memberd/problem.hpp>

namespace memberd::two_step {

Response field_problem(const std::string& field, const std::string& message) {
  return problem(422, "validation", "Some fields need attention", {}, {{field, message}});
}

Response wrong_code(int status, int attempts_left) {
  return Problem(status, "wrong_code", "That code is not right")
      .detail("Check the code and try again; a code from an app changes every 30 seconds.")
      .field("code", "That code is not right. Check it and try again.")
      .extension("attempts_left", attempts_left)
      .response();
}

}  // namespace memberd::two_step
