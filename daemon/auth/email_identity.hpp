#pragma once
// The one form of an email address the core stores, looks up and counts
// failures under, so that every way of typing one address is one account:
// trimmed; the domain mapped by IDNA (UTS #46, non-transitional, as browsers
// do) to its lower-case Unicode form, so "EXÄMPLE.com", "exämple.com" and
// "xn--exmple-cua.com" agree; the local part in NFC and lower-cased by
// Unicode's root rules ("ÜNÏ" is "ünï", and a composed "ü" equals "u" plus
// a combining diaeresis). An address whose domain IDNA refuses keeps the
// domain lower-cased in NFC: validation, not this function, refuses it.
#include <string>
#include <string_view>

namespace memberd {

std::string canonical_email(std::string_view email);

}  // namespace memberd
