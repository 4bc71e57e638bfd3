#pragma once
// A PostgreSQL server of one test's own, for tests that stop and start it:
// the run's shared fixture (scripts/pg-fixture.sh, CTest's `postgres`
// fixture) serves every other test at the same time and must stay up.
// Made by the same script in a temporary directory (initdb ~0.6 s, start
// ~0.15 s), with the database memberd_test; restarted on the same port, so
// a daemon's database.url stays right across an outage.
#include <string>
#include <vector>

namespace memberd::test {

class ThrowawayPostgres {
 public:
  ThrowawayPostgres();   // REQUIREs the server up
  ~ThrowawayPostgres();  // stops it and removes its directory
  ThrowawayPostgres(const ThrowawayPostgres&) = delete;

  // postgresql://postgres@127.0.0.1:PORT/memberd_test
  const std::string& url() const { return url_; }
  // pg_ctl stop -m `mode` ("fast": sessions are told 57P01 and end;
  // "immediate": the server quits at once), waiting until it is down.
  void stop(const std::string& mode);
  // Starts it again on its port; returns once it accepts connections.
  void start();

 private:
  int pg_ctl(const std::vector<std::string>& args, std::string& output) const;

  std::string dir_, url_, port_;
};

}  // namespace memberd::test
