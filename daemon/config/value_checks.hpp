#pragma once
// Small checks of single values, shared by the core keys and usable by the
// code that consumes them.

#include <optional>
#include <string_view>

namespace memberd {

// A From header: "address" or "Display Name <address>", no control
// characters (they would allow header injection). The address is local@domain
// with a dot-atom local part and a domain of letter/digit/hyphen labels; unlike
// auth's looks_like_email() (for members' addresses), a domain without a dot
// passes, so a relay's local sender "no-reply@localhost" is accepted.
bool looks_like_mailbox(std::string_view text);

// [a-z][a-z0-9_]*: plugin names, which are also section names and table prefixes.
bool is_plugin_name(std::string_view text);

// A permission mode as chmod reads it: octal digits, optionally "0o"-prefixed
// ("0660", "660", "0o660"), at most 0777 (no setuid, setgid or sticky bits).
std::optional<unsigned> parse_file_mode(std::string_view text);

}  // namespace memberd
