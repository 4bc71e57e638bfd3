#pragma once
// SDK 2.2: a statement kept prepared on its pooled connection.
//
// `sql << "SELECT ..."` parses and plans the SQL on every call; for a query
// a request makes every time (GET /api/v1/me asks for the security question
// on each page view) that parse was half the query's cost. A kept
// statement is prepared the first time a connection runs that SQL and
// reused on that connection afterwards, with fresh bindings each run:
//
//   auto select = work.kept("SELECT question_id FROM my_table WHERE member_id = :m");
//   if (!select) return refusal_problem(select.failure());
//   std::string question;
//   soci::indicator ind = soci::i_null;
//   bool found = (*select)->run(soci::use(member_id), soci::into(question, ind));
//
// What a kept statement guarantees:
// - run() binds what it is given (soci::use / soci::into, as with `sql <<`),
//   executes, fetches the first row into the intos, and unbinds before it
//   returns or throws: it never keeps a pointer to your variables, so
//   locals are fine.
// - The first row only. Nothing stays open after run() (on SQLite the
//   statement is reset, so no read transaction outlives the call); for
//   many rows use `sql.prepare << ...` with a rowset as before.
// - It runs inside the unit's write transaction when one is open, like any
//   statement on the unit's connection.
// - A run that throws (soci::soci_error, as `sql <<` would) drops the
//   statement: the next run prepares it again.
// - The host forgets every kept statement when a migration changes the
//   schema (a plugin loaded, a new version swapped in) and when a
//   PostgreSQL connection is re-established.
//
// Keep the SQL text constant (bind values, never concatenate them): each
// distinct text is one prepared statement per connection, and past 256 per
// connection the host starts over.
#include <soci/soci.h>

#include <utility>

namespace memberd {

class KeptStatement {
 public:
  // Binds, runs, fetches the first row, unbinds. True when a row came back
  // (always false for a statement without intos). Throws soci::soci_error
  // on a database error, like `sql << ...`.
  template <typename... Bindings>
  bool run(Bindings&&... bindings) {
    soci::statement& st = statement();
    try {
      (st.exchange(std::forward<Bindings>(bindings)), ...);
    } catch (...) {
      unbind();
      throw;
    }
    return execute_bound();
  }

  // Rows the last run() inserted, updated or deleted.
  virtual long long affected_rows() const = 0;

 protected:
  ~KeptStatement() = default;
  // The prepared statement, with nothing bound.
  virtual soci::statement& statement() = 0;
  // Defines and binds what was exchanged, executes, fetches one row,
  // resets and unbinds, also when it throws.
  virtual bool execute_bound() = 0;
  // Drops what was exchanged without running.
  virtual void unbind() = 0;
};

}  // namespace memberd
