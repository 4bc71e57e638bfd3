// Kept statements (UnitOfWork::kept, SDK 2.2) on a real pool, on SQLite and
// PostgreSQL: prepared once per connection, fresh bindings on every run,
// nothing left open after a run, dropped after a throw and after a migration.
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "support/daemon_process.hpp"

#include <catch2/catch.hpp>
#include <memberd/database.hpp>

#include <filesystem>
#include <optional>
#include <unistd.h>

using namespace memberd;

namespace {

// A pool of one connection on a fresh database of `backend`, with a table
// t(id, name) holding (1, one), (2, two), (3, three).
struct Fixture {
  explicit Fixture(const std::string& backend) {
    if (backend == "postgresql") {
      postgres.emplace();
      url = postgres->url();
    } else {
      dir = std::filesystem::temp_directory_path() / ("memberd-kept-" + std::to_string(::getpid()) + "-" +
                                                       std::to_string(++count));
      std::filesystem::create_directories(dir);
      url = "sqlite:" + (dir / "kept.db").string();
    }
    pool.emplace(DatabaseSettings{url, 1});
    auto unit = pool->open_unit();
    auto& sql = **unit->connection();
    sql << "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)";
    sql << "INSERT INTO t (id, name) VALUES (1, 'one'), (2, 'two'), (3, 'three')";
  }
  ~Fixture() {
    pool.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }

  std::optional<std::string> name_of(UnitOfWork& unit, int id) {
    auto select = unit.kept("SELECT name FROM t WHERE id = :id");
    REQUIRE(select);
    std::string name;
    if (!(*select)->run(soci::use(id), soci::into(name))) return std::nullopt;
    return name;
  }

  inline static int count = 0;
  std::optional<test::ScratchPostgres> postgres;
  std::filesystem::path dir;
  std::string url;
  std::optional<ConnectionPool> pool;
};

}  // namespace

TEST_CASE("a kept statement is prepared once per connection and bound afresh on every run", "[storage][kept]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  Fixture f(backend);
  for (int round = 0; round < 3; ++round) {
    // A new unit each round: the statement outlives units, not connections.
    auto unit = f.pool->open_unit();
    CHECK(f.name_of(*unit, 1) == "one");
    CHECK(f.name_of(*unit, 3) == "three");
    CHECK(f.name_of(*unit, 4) == std::nullopt);
    CHECK(f.name_of(*unit, 2) == "two");
  }
  CHECK(f.pool->statements_prepared() == 1);

  auto unit = f.pool->open_unit();
  auto insert = unit->kept("INSERT INTO t (id, name) VALUES (:id, :name)");
  REQUIRE(insert);
  for (int id : {4, 5}) {
    std::string name = "n" + std::to_string(id);
    CHECK_FALSE((*insert)->run(soci::use(id), soci::use(name)));
    CHECK((*insert)->affected_rows() == 1);
  }
  CHECK(f.name_of(*unit, 5) == "n5");
  CHECK(f.pool->statements_prepared() == 2);
}

TEST_CASE("a kept SELECT stopped at its first row leaves nothing open on the connection", "[storage][kept]") {
  // SQLite keeps a statement that returned a row active, and with it a read
  // transaction: DDL on the same connection then fails with "database table
  // is locked", and checkpoints cannot finish.
  Fixture f("sqlite");
  auto unit = f.pool->open_unit();
  auto all = unit->kept("SELECT name FROM t ORDER BY id");
  REQUIRE(all);
  std::string first;
  CHECK((*all)->run(soci::into(first)));
  CHECK(first == "one");
  auto& sql = **unit->connection();
  CHECK_NOTHROW(sql << "DROP TABLE t");
}

TEST_CASE("a kept statement that throws is prepared again on its next run", "[storage][kept]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  Fixture f(backend);
  auto unit = f.pool->open_unit();
  auto insert = [&](int id, const std::string& name) {
    auto statement = unit->kept("INSERT INTO t (id, name) VALUES (:id, :name)");
    REQUIRE(statement);
    (*statement)->run(soci::use(id), soci::use(name));
  };
  insert(10, "ten");
  CHECK_THROWS_AS(insert(11, "ten"), soci::soci_error);  // UNIQUE (name)
  CHECK_NOTHROW(insert(12, "twelve"));
  CHECK(f.name_of(*unit, 12) == "twelve");
  CHECK(f.name_of(*unit, 11) == std::nullopt);
  CHECK(f.pool->statements_prepared() == 3);  // the insert twice, the select once
}

TEST_CASE("kept statements run inside the unit's write transaction", "[storage][kept]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  Fixture f(backend);
  auto unit = f.pool->open_unit();
  {
    auto tx = WriteTransaction::open(*unit);
    REQUIRE(tx);
    auto insert = unit->kept("INSERT INTO t (id, name) VALUES (:id, :name)");
    REQUIRE(insert);
    int id = 20;
    std::string name = "twenty";
    (*insert)->run(soci::use(id), soci::use(name));
    CHECK(f.name_of(*unit, 20) == "twenty");  // seen inside
  }  // rolled back
  CHECK(f.name_of(*unit, 20) == std::nullopt);
}

TEST_CASE("a migration makes every connection prepare its kept statements again", "[storage][kept]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  Fixture f(backend);
  {
    auto unit = f.pool->open_unit();
    CHECK(f.name_of(*unit, 1) == "one");
  }
  // The column the kept SELECT returns changes type: a statement kept from
  // before would fail on PostgreSQL ("cached plan must not change result
  // type") or read the wrong type.
  apply_migrations(*f.pool, "kept_test",
                   {Migration{1, "name becomes a number",
                              "CREATE TABLE t2 (id INTEGER PRIMARY KEY, name INTEGER);"
                              " INSERT INTO t2 (id, name) SELECT id, id * 100 FROM t;"
                              " DROP TABLE t; ALTER TABLE t2 RENAME TO t;",
                              "ALTER TABLE t ALTER COLUMN name TYPE integer USING (id * 100);"}});
  auto unit = f.pool->open_unit();
  auto select = unit->kept("SELECT name FROM t WHERE id = :id");
  REQUIRE(select);
  int id = 2, name = 0;
  CHECK((*select)->run(soci::use(id), soci::into(name)));
  CHECK(name == 200);
  CHECK(f.pool->statements_prepared() == 2);
}
