#pragma once
// A unit of work with no database behind it, for unit tests of code that
// must not reach one: every lease is `busy`, a commit succeeds with nothing
// in it, after_commit actions run at once.
#include <memberd/unit_of_work.hpp>

namespace memberd::test {

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

}  // namespace memberd::test
