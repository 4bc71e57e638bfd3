// The admin audit log: what a plugin may call its admin actions
// (Host::name_admin_action), and exactly one record per admin request,
// whether the handler's record committed, rolled back or was never made.
#include "audit/admin_audit_log.hpp"
#include "log/logger.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "util/system_clock.hpp"

#include <memberd/embedded_file.hpp>
#include <memberd/migrations.hpp>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace memberd::core_schema {
const std::vector<memberd::EmbeddedFile>& files();
}

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

namespace {

// A request as the dispatcher hands one to the audit log: an admin's, from
// 127.0.0.1, on `work`.
class AdminRequest final : public memberd::Request {
 public:
  explicit AdminRequest(memberd::UnitOfWork& work) : work_(work) {
    caller_.member_id = "11111111-2222-3333-4444-555555555555";
    caller_.email = "admin@example.com";
    caller_.roles = {"admin"};
  }
  std::string_view method() const override { return "POST"; }
  std::string_view path() const override { return "/api/v1/admin/things"; }
  std::string path_param(std::string_view) const override { return {}; }
  std::optional<std::string> query(std::string_view) const override { return std::nullopt; }
  std::optional<std::string> header(std::string_view) const override { return std::nullopt; }
  const std::string& body() const override { return body_; }
  const nlohmann::json& json() const override { return json_; }
  const memberd::Caller& caller() const override { return caller_; }
  std::string_view client_ip() const override { return "127.0.0.1"; }
  std::string_view user_agent() const override { return "test"; }
  std::string_view request_id() const override { return "r1"; }
  memberd::UnitOfWork& work() const override { return work_; }
  memberd::SignInMethod sign_in_method() const override { return memberd::SignInMethod::password; }

 private:
  memberd::UnitOfWork& work_;
  memberd::Caller caller_;
  std::string body_;
  nlohmann::json json_;
};

}  // namespace

TEST_CASE("each admin request is one record: the handler's if it committed, else the answer's", "[audit][storage]") {
  using namespace memberd;
  auto dir = std::filesystem::temp_directory_path() / ("memberd-audit-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    ConnectionPool pool(DatabaseSettings{"sqlite:" + (dir / "a.db").string(), 1});
    apply_migrations(pool, "core", migrations_from_files(core_schema::files()));
    SystemClock clock;
    LogSink log(LogLevel::error, LogFormat::text, stderr);
    AdminAuditLog audit(clock, log);
    audit.name("POST", "/api/v1/admin/things", "thing.make");
    auto rows = [&] {
      auto unit = pool.open_unit();
      std::vector<std::string> out;
      soci::rowset<soci::row> all = ((*unit->connection())->prepare
                                     << "SELECT action, result, detail FROM admin_audit ORDER BY id");
      for (const auto& r : all)
        out.push_back(r.get<std::string>(0) + " " + r.get<std::string>(1) + " " + r.get<std::string>(2));
      return out;
    };
    auto request = [&](const std::function<int(UnitOfWork&)>& handler) {
      auto unit = pool.open_unit();
      AdminRequest req(*unit);
      audit.begin(*unit, req, "POST", "/api/v1/admin/things", {}, nlohmann::json());
      int status = handler(*unit);
      if (unit->in_transaction()) unit->rollback();  // the dispatcher's finish()
      audit.end(*unit, req, status, status >= 400 ? "oops" : "");
    };

    SECTION("recorded and committed, then a failing read: the handler's record alone") {
      request([&](UnitOfWork& work) {
        auto tx = WriteTransaction::open(work);
        REQUIRE(tx);
        REQUIRE(audit.record(work, R"({"made":1})"));
        REQUIRE(tx->commit());
        return 503;
      });
      CHECK(rows() == std::vector<std::string>{R"(thing.make done {"made":1})"});
    }
    SECTION("recorded, then rolled back: the answer's record alone") {
      request([&](UnitOfWork& work) {
        auto tx = WriteTransaction::open(work);
        REQUIRE(tx);
        REQUIRE(audit.record(work, R"({"made":1})"));
        return 409;  // the transaction rolls back with the record
      });
      auto all = rows();
      REQUIRE(all.size() == 1);
      CHECK(all[0].rfind("thing.make refused ", 0) == 0);
      CHECK(all[0].find("\"status\":409") != std::string::npos);
    }
    SECTION("not recorded by the handler: the host's, once") {
      request([](UnitOfWork&) { return 204; });
      CHECK(rows() == std::vector<std::string>{"thing.make done {}"});
    }
    SECTION("a detail too long for the record keeps its shape: lists give way to their lengths") {
      request([&](UnitOfWork& work) {
        nlohmann::json results = nlohmann::json::array();
        for (int i = 0; i < 500; ++i) results.push_back({{"revision_id", std::string(40, 'r')}, {"status", "conflict"}});
        audit.describe(work, {{"results", results}, {"kind", "bulk"}});
        return 200;
      });
      CHECK(rows() == std::vector<std::string>{R"(thing.make done {"kind":"bulk","results_count":500,"truncated":true})"});
    }
    SECTION("a second record, or one outside a transaction, is refused") {
      request([&](UnitOfWork& work) {
        CHECK_FALSE(audit.record(work, "{}"));  // no transaction
        auto tx = WriteTransaction::open(work);
        REQUIRE(tx);
        REQUIRE(audit.record(work, "{}"));
        CHECK_FALSE(audit.record(work, "{}"));
        REQUIRE(tx->commit());
        return 200;
      });
      CHECK(rows().size() == 1);
    }
  }
  std::filesystem::remove_all(dir);
}
