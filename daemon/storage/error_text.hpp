#pragma once
// What an exception may say in a log line or an admin's error field.
//
// SOCI appends the failing statement and its bound values to what() ("while
// executing ... with :h=$argon2id$..."), which would put password hashes,
// token hashes and mail bodies with reset links into logs. These keep only
// the database's own message.
#include <exception>
#include <string>

namespace memberd {

std::string describe_error(const std::exception& e);
// Call inside a catch block: describes whatever is being handled, including
// values that are not std::exceptions (a plugin may `throw 42;`).
std::string describe_current_exception();

}  // namespace memberd
