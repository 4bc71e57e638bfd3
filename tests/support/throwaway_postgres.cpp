#include "support/throwaway_postgres.hpp"
#include "support/daemon_process.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace memberd::test {

namespace {

std::string pg_bin() {
  const char* given = std::getenv("PG_BIN");
  return given && *given ? given : "/usr/lib/postgresql/15/bin";
}

}  // namespace

ThrowawayPostgres::ThrowawayPostgres() {
  char pattern[] = "/tmp/memberd-pg-own-XXXXXX";
  dir_ = mkdtemp(pattern);
  std::string output;
  // The script knows how to run initdb and postgres as `postgres` when the
  // test runs as root (CI), and where the cluster may live.
  int rc = run_command({"/bin/bash", env_or_fail("MEMBERD_SOURCE_DIR") + "/scripts/pg-fixture.sh", "start", dir_}, output);
  INFO(output);
  REQUIRE(rc == 0);
  std::ifstream in(dir_ + "/url");
  std::getline(in, url_);
  std::smatch m;
  static const std::regex pattern_url(R"(postgresql://[^@]+@127\.0\.0\.1:(\d+)/\w+)");
  REQUIRE(std::regex_match(url_, m, pattern_url));
  port_ = m[1].str();
}

ThrowawayPostgres::~ThrowawayPostgres() {
  std::string output;
  (void)pg_ctl({"stop", "-m", "immediate", "-w", "-t", "30"}, output);
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

int ThrowawayPostgres::pg_ctl(const std::vector<std::string>& args, std::string& output) const {
  // As root, as the `postgres` user from / (pg_ctl looks up its current
  // directory, which postgres may not enter), like scripts/pg-fixture.sh.
  std::string command = "cd / && exec ";
  if (::geteuid() == 0) command += "runuser -u postgres -- ";
  command += pg_bin() + "/pg_ctl -D '" + dir_ + "/data'";
  for (const auto& a : args) command += " '" + a + "'";
  return run_command({"/bin/sh", "-c", command}, output);
}

void ThrowawayPostgres::stop(const std::string& mode) {
  std::string output;
  int rc = pg_ctl({"stop", "-m", mode, "-w", "-t", "30"}, output);
  INFO(output);
  REQUIRE(rc == 0);
}

void ThrowawayPostgres::start() {
  std::string output;
  // The log the script made (owned by postgres), beside the data.
  std::string log = std::filesystem::canonical(dir_ + "/data").parent_path().string() + "/postgres.log";
  int rc = pg_ctl({"start", "-w", "-t", "30", "-l", log, "-o", "-p " + port_}, output);
  INFO(output);
  REQUIRE(rc == 0);
}

}  // namespace memberd::test
