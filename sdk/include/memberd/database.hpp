#pragma once
// Include this in the files that run SQL on your own tables: it brings SOCI
// (a dependency of the SDK's CMake package) and the unit of work.
//
//   auto sql = request.work().connection();
//   if (!sql) return refusal_problem(sql.failure());
//   soci::rowset<soci::row> rows = ((*sql)->prepare << "SELECT ... FROM hello_greetings");
//
// Writes that belong together go in a WriteTransaction (unit_of_work.hpp),
// never a soci::transaction: the unit must know that a transaction is open
// (so that host calls join it and hashing refuses to run in it), and on
// SQLite soci::transaction opens a deferred transaction that fails with
// "database is locked" when another connection wrote in between, where
// WriteTransaction takes the write lock up front (BEGIN IMMEDIATE) and
// queues behind the busy timeout.
//
// SOCI statements throw soci::soci_error on database errors (a constraint, a
// lost connection): let an unexpected one escape the handler (the host
// answers 500 with the request id and rolls the unit back), or catch the
// ones you expect.
//
// A query a request makes every time is cheaper kept prepared:
// `work.kept(sql)` (kept_statement.hpp, SDK 2.2).
#include <memberd/host.hpp>
#include <memberd/kept_statement.hpp>
#include <memberd/unit_of_work.hpp>

#include <soci/soci.h>
