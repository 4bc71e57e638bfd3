// What a plugin may call its admin actions in the audit log
// (Host::name_admin_action): its own name, or its name and a word.
#include "audit/admin_audit_log.hpp"

#include <catch2/catch.hpp>

#include <string>

using memberd::AdminAuditLog;

TEST_CASE("a plugin names admin actions only under its own name", "[audit]") {
  CHECK(AdminAuditLog::valid_plugin_action("email_service", "email_service.send"));
  CHECK(AdminAuditLog::valid_plugin_action("email_service", "email_service"));
  CHECK(AdminAuditLog::valid_plugin_action("two_step", "two_step.remove.all_factors"));
  // Another's name, or the core's; a prefix that only looks like it.
  CHECK_FALSE(AdminAuditLog::valid_plugin_action("email_service", "member.create"));
  CHECK_FALSE(AdminAuditLog::valid_plugin_action("email_service", "email_servicex.send"));
  CHECK_FALSE(AdminAuditLog::valid_plugin_action("email_service", "email_service."));
  // Only a-z, 0-9, _ and ., at most 64 characters.
  CHECK_FALSE(AdminAuditLog::valid_plugin_action("email_service", "email_service.Send"));
  CHECK_FALSE(AdminAuditLog::valid_plugin_action("email_service", "email_service.send now"));
  CHECK_FALSE(AdminAuditLog::valid_plugin_action("email_service", "email_service." + std::string(51, 'a')));
  CHECK_FALSE(AdminAuditLog::valid_plugin_action("email_service", ""));
}
