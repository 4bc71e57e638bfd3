#pragma once
#include <string>
#include <string_view>

namespace memberd {

// Trimmed and lower-cased: the form members' emails are stored and compared in.
std::string normalize_email(std::string_view email);
// A pragmatic check (one @, a dot in the domain, no spaces or control
// characters, at most 254 octets): what a sign-up form should accept.
bool looks_like_email(std::string_view email);

}  // namespace memberd
