#include "storage/error_text.hpp"

#include <soci/error.h>

namespace memberd {

std::string describe_error(const std::exception& e) {
  if (auto* database = dynamic_cast<const soci::soci_error*>(&e)) return database->get_error_message();
  return e.what();
}

std::string describe_current_exception() {
  try {
    throw;
  } catch (const std::exception& e) {
    return describe_error(e);
  } catch (...) {
    return "something that is not a std::exception was thrown";
  }
}

}  // namespace memberd
