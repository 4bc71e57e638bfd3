#pragma once
#include <string>

namespace memberd {

class AccountsService;
class Database;
class EventBus;
class PasswordRules;

// Makes the first admin when no member has the admin role, so that the
// console and the admin API never depend on a plugin. The password comes
// from MEMBERD_ADMIN_PASSWORD (then removed from the environment: plugins run
// in this process) or is generated. A generated one is shown once: on the
// terminal when stdout is one, otherwise (systemd's journal keeps stdout)
// written to <data_dir>/bootstrap-admin-password, readable by the daemon's
// user only. It never goes through the log. A given password must meet
// `rules` (throws std::runtime_error saying why not).
void ensure_bootstrap_admin(AccountsService& accounts, const PasswordRules& rules, Database& database, EventBus& events,
                            const std::string& email, const std::string& data_dir);

}  // namespace memberd
