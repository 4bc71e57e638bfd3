#pragma once
// (SDK 2.12) What a plugin keeps in memory that another daemon on the same
// database may change: Host::changes().
//
// Several daemons may serve one marketplace from one PostgreSQL. A plugin
// that caches a fact about a member (whether a question is set, an email
// confirmed) must drop it on every daemon when any daemon changes it:
//
//   // start():
//   host.changes().on_change("member", [this](std::string_view member_id) {
//     member_id.empty() ? cache_.clear() : cache_.erase(member_id);
//   });
//   // the handler that changes it, inside its write transaction:
//   if (auto r = host.changes().announce(work, "member", member_id); !r) return refusal_problem(r.failure());
//   // a read, before keeping what it read:
//   if (host.changes().live()) cache_.keep(member_id, facts);
//
// On PostgreSQL the announcement travels with the transaction (LISTEN/NOTIFY)
// and reaches the other daemons' handlers within milliseconds of the commit;
// this daemon's handlers run as the commit returns. A rolled-back change is
// announced to no one. On SQLite one daemon owns the file and the feed is
// only local.
#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <functional>
#include <string_view>

namespace memberd {

class Changes {
 public:
  virtual ~Changes() = default;

  // Announces that `key` of your `topic` changed, once `work`'s open
  // transaction commits (at once without one). Topics are your plugin's own:
  // another plugin's handlers never hear them. A topic is 1-40 of a-z, 0-9,
  // '.', '_' and '-'; a key 1-200 printable ASCII characters without spaces
  // (a member id, a session id): std::invalid_argument otherwise.
  // Fails: busy, unavailable (on PostgreSQL the announcement is a statement
  // of the transaction, and fails with it).
  virtual Result<void> announce(UnitOfWork& work, std::string_view topic, std::string_view key) = 0;

  // Calls `handler(key)` for each announcement of your `topic`, by any
  // daemon, until this version of your plugin is retired (before its stop()).
  // An empty key means "anything of the topic may have changed": the daemon
  // may have missed announcements (its listening connection was lost) and
  // you must drop all of it. Runs on a host thread, one call at a time per
  // daemon; keep it short; a throw is logged and ignored. Call from start()
  // only (else std::logic_error); the topic as for announce().
  virtual void on_change(std::string_view topic, std::function<void(std::string_view key)> handler) = 0;

  // Whether every announcement reaches your handlers right now. While false
  // (on PostgreSQL, between losing the listening connection and having it
  // back) keep nothing new in memory: read the database. Fails: never.
  virtual bool live() const = 0;
};

}  // namespace memberd
