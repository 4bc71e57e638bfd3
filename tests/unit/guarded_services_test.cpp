// The plugin's view of the host's services: an outage inside a host call
// comes back as Failure{internal} (and is logged), a misuse still throws.
#include "log/logger.hpp"
#include "plugin_host/guarded_services.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <stdexcept>
#include <string>

using namespace memberd;

namespace {

class ThrowingMail final : public Mail {
 public:
  explicit ThrowingMail(int mode) : mode_(mode) {}
  Result<void> enqueue(UnitOfWork&, const MailMessage&) override {
    if (mode_ == 1) throw std::runtime_error("server closed the connection unexpectedly");
    if (mode_ == 2) throw std::logic_error("enqueue inside the wrong phase");
    if (mode_ == 3) throw soci::postgresql_soci_error("Cannot execute query. Fatal error. Connection failed.", "08000");
    if (mode_ == 4) throw soci::sqlite3_soci_error("sqlite3_statement_backend::loadOne: database or disk is full", SQLITE_FULL);
    return {};
  }
  Result<void> enqueue_in_batch(UnitOfWork& work, const MailMessage& message, std::string_view batch) override {
    last_batch = std::string(batch);
    return enqueue(work, message);
  }
  Result<void> enqueue_template(UnitOfWork&, std::string_view, std::string_view, const PlaceholderValues&) override {
    throw std::logic_error("the host's own outbox has no templates");
  }
  std::string last_batch;

 private:
  int mode_;
};

class NoUnit final : public UnitOfWork {
 public:
  Backend backend() const override { return Backend::sqlite; }
  Result<soci::session*> connection() override { return Failure{Refusal::busy}; }
  Result<KeptStatement*> kept(std::string_view) override { return Failure{Refusal::busy}; }
  Result<void> begin() override { return Failure{Refusal::busy}; }
  Result<void> commit() override { return {}; }
  void rollback() override {}
  bool in_transaction() const override { return false; }
  void after_commit(std::function<void()> action) override { action(); }
};

}  // namespace

TEST_CASE("an outage inside a host call is a Failure, not an exception", "[plugin_host]") {
  std::FILE* out = std::tmpfile();
  REQUIRE(out);
  LogSink log(LogLevel::error, LogFormat::text, out);
  NoUnit unit;
  ThrowingMail outage(1), misuse(2), fine(0);
  MailTemplates no_templates;
  auto failed = GuardedMail(outage, log, "photo", no_templates).enqueue(unit, MailMessage{"a@example.com", "s", "t"});
  REQUIRE_FALSE(failed);
  CHECK(failed.failure().refusal == Refusal::internal);
  // The operator learns what failed, under the plugin's name.
  std::fflush(out);
  std::rewind(out);
  std::string logged(4096, '\0');
  logged.resize(std::fread(logged.data(), 1, logged.size(), out));
  CHECK(logged.find("[photo] host call failed") != std::string::npos);
  CHECK(logged.find("server closed the connection unexpectedly") != std::string::npos);
  CHECK_THROWS_AS(GuardedMail(misuse, log, "photo", no_templates).enqueue(unit, MailMessage{}), std::logic_error);
  CHECK(GuardedMail(fine, log, "photo", no_templates).enqueue(unit, MailMessage{}).ok());
  // A send's batch is named after the plugin; a malformed one is a bug.
  CHECK(GuardedMail(fine, log, "photo", no_templates).enqueue_in_batch(unit, MailMessage{}, "send-7").ok());
  CHECK(fine.last_batch == "photo:send-7");
  CHECK_THROWS_AS(GuardedMail(fine, log, "photo", no_templates).enqueue_in_batch(unit, MailMessage{}, "a b"), std::invalid_argument);
  CHECK_THROWS_AS(GuardedMail(fine, log, "photo", no_templates).enqueue_in_batch(unit, MailMessage{}, ""), std::invalid_argument);
  std::fclose(out);
}

TEST_CASE("a database outage inside a host call is `unavailable`, and no line per call", "[plugin_host][outage]") {
  std::FILE* out = std::tmpfile();
  REQUIRE(out);
  LogSink log(LogLevel::debug, LogFormat::text, out);
  NoUnit unit;
  MailTemplates no_templates;
  for (int mode : {3, 4}) {
    ThrowingMail down(mode);
    auto failed = GuardedMail(down, log, "photo", no_templates).enqueue(unit, MailMessage{"a@example.com", "s", "t"});
    REQUIRE_FALSE(failed);
    CHECK(failed.failure().refusal == Refusal::unavailable);
    CHECK(failed.failure().retry_after.count() > 0);
  }
  // The pool's outage tracker logs an outage once; the guard adds nothing
  // per call (here there is no pool: nothing at all).
  std::fflush(out);
  CHECK(std::ftell(out) == 0);
  std::fclose(out);
}

namespace {

// Records what reached the host's queue.
class CountingReviews final : public Reviews {
 public:
  Result<ReviewReceipt> submit(UnitOfWork&, std::string_view kind, std::string_view, const nlohmann::json&,
                               const nlohmann::json&, std::chrono::seconds) override {
    kinds.emplace_back(kind);
    return ReviewReceipt{};
  }
  Result<std::optional<ReviewRevision>> pending(UnitOfWork&, std::string_view kind, std::string_view) override {
    kinds.emplace_back(kind);
    return std::optional<ReviewRevision>{};
  }
  Result<std::optional<ReviewRevision>> last_decision(UnitOfWork&, std::string_view kind, std::string_view) override {
    kinds.emplace_back(kind);
    return std::optional<ReviewRevision>{};
  }
  Result<bool> withdraw(UnitOfWork&, std::string_view kind, std::string_view) override {
    kinds.emplace_back(kind);
    return true;
  }
  std::vector<std::string> kinds;
};

}  // namespace

TEST_CASE("a plugin reaches only its own kinds in the review queue", "[plugin_host][reviews][security]") {
  std::FILE* out = std::tmpfile();
  REQUIRE(out);
  LogSink log(LogLevel::error, LogFormat::text, out);
  NoUnit unit;
  CountingReviews inner;
  GuardedReviews reviews(inner, log, "photo");
  nlohmann::json fields = nlohmann::json::object();
  CHECK(reviews.submit(unit, "photo", "m", fields, nullptr, std::chrono::hours(24)).ok());
  CHECK(reviews.submit(unit, "photo.cover", "m", fields, nullptr, std::chrono::hours(24)).ok());
  CHECK(reviews.pending(unit, "photo", "m").ok());
  // Another plugin's kind, or one that only starts like ours, is a bug.
  CHECK_THROWS_AS(reviews.submit(unit, "profile", "m", fields, nullptr, std::chrono::hours(24)), std::logic_error);
  CHECK_THROWS_AS(reviews.submit(unit, "photos", "m", fields, nullptr, std::chrono::hours(24)), std::logic_error);
  CHECK_THROWS_AS(reviews.last_decision(unit, "profile", "m"), std::logic_error);
  CHECK_THROWS_AS(reviews.pending(unit, "photo.", "m"), std::logic_error);
  CHECK(reviews.withdraw(unit, "photo", "m").ok());
  CHECK_THROWS_AS(reviews.withdraw(unit, "profile", "m"), std::logic_error);
  CHECK(inner.kinds == std::vector<std::string>{"photo", "photo.cover", "photo", "photo"});
}
