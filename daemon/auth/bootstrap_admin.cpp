#include "auth/bootstrap_admin.hpp"

#include "auth/accounts_service.hpp"
#include "events/event_bus.hpp"
#include "util/crypto.hpp"

#include <memberd/database.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>

namespace memberd {

namespace {

void show_once(const std::string& email, const std::string& password, const std::string& data_dir) {
  if (isatty(STDOUT_FILENO)) {
    std::cout << "memberd: bootstrap admin " << email << " password: " << password
              << "\n         (shown once: store it now)\n";
    return;
  }
  auto file = std::filesystem::path(data_dir) / "bootstrap-admin-password";
  {
    std::ofstream out(file, std::ios::trunc);  // the daemon's umask keeps it private
    out << email << "\n" << password << "\n";
  }
  std::cout << "memberd: bootstrap admin " << email << " (password in " << file.string()
            << "; delete the file once stored)\n";
}

}  // namespace

void ensure_bootstrap_admin(AccountsService& accounts, const PasswordRules& rules, Database& database, EventBus& events, const std::string& email,
                            const std::string& data_dir) {
  auto unit = database.open_unit();
  auto exists = [&] {
    auto found = accounts.role_exists(*unit, "admin");
    if (!found) throw std::runtime_error("the database is busy; cannot check for an admin");
    return *found;
  };
  if (exists()) return;
  const char* given = std::getenv("MEMBERD_ADMIN_PASSWORD");
  const bool from_environment = given && *given;
  std::string password = from_environment ? given : random_token(18);
  unsetenv("MEMBERD_ADMIN_PASSWORD");
  // An operator's choice meets the same policy as everyone's.
  if (from_environment)
    if (auto weak = rules.problem(password, email))
      throw std::runtime_error("MEMBERD_ADMIN_PASSWORD is not accepted: " + *weak);

  auto hash = accounts.hash_password(*unit, password);
  if (!hash) throw std::runtime_error("the password hashing pool is busy at start");
  auto tx = WriteTransaction::open(*unit);
  if (!tx) throw std::runtime_error("the database is busy; cannot create the bootstrap admin");
  auto id = accounts.create_member(*unit, email, *hash, {"admin"});
  if (!id) {
    tx->rollback();
    if (id.failure().refusal != Refusal::taken) throw std::runtime_error("cannot create the bootstrap admin");
    // Another daemon on the same database may have made it a moment ago.
    if (exists()) return;
    throw std::runtime_error("bootstrap.admin_email " + email +
                             " belongs to a member without the admin role; choose another address");
  }
  auto published =
      events.publish_text(*unit, "member.created",
                          "{\"member_id\":\"" + *id + "\",\"roles\":[\"admin\"],\"by\":\"bootstrap\"}", *id);
  if (!published || !tx->commit()) throw std::runtime_error("cannot create the bootstrap admin");
  if (from_environment) std::cout << "memberd: bootstrap admin " << email << " (password from MEMBERD_ADMIN_PASSWORD)\n";
  else show_once(email, password, data_dir);
  std::cout.flush();
}

}  // namespace memberd
