#include "mail/outbox.hpp"

#include "log/logger.hpp"
#include "metrics/registry.hpp"
#include "storage/change_feed.hpp"
#include "storage/cluster_registry.hpp"
#include "storage/database.hpp"
#include "storage/error_text.hpp"
#include "storage/pooled_unit.hpp"
#include "storage/row_values.hpp"
#include "storage/service_boundary.hpp"
#include "util/crypto.hpp"
#include "util/time_format.hpp"

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include <stdexcept>
#include <thread>
#include <vector>

namespace memberd {

namespace {

// The first lane without the change feed (it may miss wakes): as before.
constexpr auto kPollInterval = std::chrono::milliseconds(1000);
// The longest the first lane sleeps with the feed: for claims a stopped
// daemon left behind (half the claim lease).
constexpr auto kIdleInterval = std::chrono::milliseconds(60000);
// The leader looks more often: a dead daemon's claims wait at most this.
constexpr auto kLeaderInterval = std::chrono::milliseconds(10000);
// The other lanes are woken by the lane before them; on their own they look
// every 30 s without the feed, and hourly with it.
constexpr auto kOtherLanesPollInterval = std::chrono::milliseconds(30000);
constexpr auto kOtherLanesIdleInterval = std::chrono::milliseconds(3600 * 1000);
constexpr std::string_view kQueued = "mail.queued";

bool has_line_break(const std::string& value) { return value.find_first_of("\r\n") != std::string::npos; }

// What the relay would read as the end of a header: refused, not repaired,
// so that a value built from outside input cannot add a Bcc.
void check_headers(const MailMessage& m) {
  if (has_line_break(m.to)) throw std::invalid_argument("a mail recipient may not contain a line break");
  if (has_line_break(m.subject)) throw std::invalid_argument("a mail subject may not contain a line break");
  for (const auto& [name, value] : m.headers) {
    if (!is_allowed_extra_header(name)) throw std::invalid_argument("mail header \"" + name + "\" may not be set");
    if (has_line_break(value)) throw std::invalid_argument("mail header \"" + name + "\" may not contain a line break");
  }
}

long long affected(soci::statement& st) { return st.get_affected_rows(); }

}  // namespace

struct MailOutbox::Claimed {
  OutgoingMail mail;
  int attempts = 0;
  long long queued_at = 0;
};

MailOutbox::MailOutbox(ConnectionPool& database, ChangeFeed& changes, const ClusterRegistry& cluster,
                       const Clock& clock, LogSink& log, MetricsRegistry& metrics,
                       std::vector<std::unique_ptr<MailTransport>> transports, std::string from,
                       DeliveryPolicy policy)
    : database_(database),
      changes_(changes),
      cluster_(cluster),
      clock_(clock),
      log_(log),
      metrics_(metrics),
      from_(std::move(from)),
      policy_(policy) {
  if (transports.empty()) throw std::invalid_argument("MailOutbox needs at least one transport");
  for (auto& transport : transports) {
    auto lane = std::make_unique<Lane>();
    lane->worker_id = random_token(12);
    lane->transport = std::move(transport);
    lanes_.push_back(std::move(lane));
  }
  subscription_ = changes_.subscribe(std::string(kQueued), [this](std::string_view) { wake_first_lane(); });
}

// New work wakes the first lane only; a lane that claimed a full batch wakes
// the next (deliver_due), so a burst spreads over the lanes while a single
// message costs one claim, not one per lane (each claim is a write: on
// SQLite it takes the database's write lock).
// A lane in a pass may sit on one slow relay reply for minutes: new work
// also wakes the first idle lane, which would otherwise look only hourly.
void MailOutbox::wake_first_lane() {
  lanes_.front()->loop.wake();
  if (!lanes_.front()->busy) return;
  for (auto& lane : lanes_)
    if (!lane->busy) {
      lane->loop.wake();
      return;
    }
}

Result<void> MailOutbox::announce_queued(UnitOfWork& work) { return changes_.announce(work, kQueued, "new"); }

MailOutbox::~MailOutbox() {
  changes_.unsubscribe(subscription_);
  stop();
}

Result<void> MailOutbox::enqueue(UnitOfWork& work, const MailMessage& m) { return enqueue_in_batch(work, m, ""); }

Result<void> MailOutbox::enqueue_in_batch(UnitOfWork& work, const MailMessage& m, std::string_view batch_name) {
  return service_call(log_, "Mail::enqueue_in_batch", work, [&]() -> Result<void> {
    check_headers(m);
    auto sql = work.connection();
    if (!sql) return sql.failure();
    long long now = to_unix(clock_.now());
    std::string to = m.to, subject = m.subject, text = m.text, html = m.html, category = m.category;
    std::string status = "queued", batch(batch_name);
    nlohmann::json header_list = nlohmann::json::array();
    for (const auto& [name, value] : m.headers) header_list.push_back({name, value});
    std::string headers = header_list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    **sql << "INSERT INTO mail_outbox (recipient, subject, body_text, body_html, category, headers, status, attempts,"
             " last_error, next_attempt_at, created_at, queued_at, batch)"
             " VALUES (:r, :s, :t, :h, :c, :hd, :st, 0, '', :n, :cr, :q, :b)",
        soci::use(to), soci::use(subject), soci::use(text), soci::use(html), soci::use(category), soci::use(headers),
        soci::use(status), soci::use(now), soci::use(now), soci::use(now), soci::use(batch);
    return announce_queued(work);
  });
}

Result<void> MailOutbox::enqueue_template(UnitOfWork&, std::string_view, std::string_view name,
                                          const PlaceholderValues&) {
  throw std::logic_error("mail template " + std::string(name) + ": templates are rendered by a plugin's Host::mail()");
}

void MailOutbox::start() {
  for (auto& lane : lanes_) {
    Lane* own = lane.get();
    const bool first = own == lanes_.front().get();
    // The first lane looks for retries that came due; the others are woken.
    auto interval = [this, first]() -> std::chrono::milliseconds {
      if (!changes_.live()) return first ? kPollInterval : kOtherLanesPollInterval;
      if (!first) return kOtherLanesIdleInterval;
      auto wait = std::chrono::milliseconds(next_wait_ms_.load());
      return changes_.leading() ? std::min(wait, kLeaderInterval) : wait;
    };
    lane->loop.start(interval, [this, own, first] {
      auto began = database_.outages().now();  // a failure reported after a recovery is that outage's
      try {
        deliver_due(*own);
        if (first) next_wait_ms_ = until_next_due().count();
      } catch (const std::exception& e) {
        // A database outage is the pool's tracker's to log, once; this pass
        // runs every second and would say it again each time.
        if (auto fault = classify_database_error(e); fault != DatabaseFault::none)
          database_.outages().failed(fault, began);
        else
          log_.write(LogLevel::warn, "mail", "outbox pass failed", {{"error", describe_error(e)}});
        if (first) next_wait_ms_ = kPollInterval.count();
      }
    });
  }
}

std::chrono::milliseconds MailOutbox::until_next_due() {
  PooledUnit unit(database_);
  auto connection = unit.connection();
  if (!connection) return kPollInterval;
  long long due = 0;
  soci::indicator ind = soci::i_null;
  **connection << "SELECT MIN(next_attempt_at) FROM mail_outbox WHERE status = 'queued'", soci::into(due, ind);
  if (ind != soci::i_ok) return kIdleInterval;
  // Due already but not claimed by this pass: another daemon holds it, or
  // it came in meanwhile. Look again shortly.
  auto wait = std::chrono::seconds(due - to_unix(clock_.now()));
  if (wait.count() <= 0) return kPollInterval;
  return std::min<std::chrono::milliseconds>(wait, kIdleInterval);
}

void MailOutbox::stop() {
  for (auto& lane : lanes_) lane->loop.stop();
  for (auto& lane : lanes_) {
    auto began = database_.outages().now();
    try {
      release_claims(*lane);
    } catch (const std::exception& e) {
      // Left claimed, they return to the queue once the claim lease ends.
      if (auto fault = classify_database_error(e); fault != DatabaseFault::none)
        database_.outages().failed(fault, began);  // logged once, when the outage began
      else
        log_.write(LogLevel::warn, "mail", "could not give claimed messages back", {{"error", describe_error(e)}});
    }
  }
}

int MailOutbox::deliver_due() { return deliver_due(*lanes_.front()); }

void MailOutbox::wake_next(const Lane& lane) {
  for (std::size_t i = 0; i + 1 < lanes_.size(); ++i)
    if (lanes_[i].get() == &lane) lanes_[i + 1]->loop.wake();
}

// Each statement commits alone: no transaction is held while a relay answers.
int MailOutbox::deliver_due(Lane& lane) {
  lane.busy = true;
  struct Idle {
    Lane& lane;
    ~Idle() { lane.busy = false; }
  } idle{lane};
  int sent = 0;
  // One lane looks after what vanished workers left behind.
  if (&lane == lanes_.front().get()) recover_stale(to_unix(clock_.now()));
  for (;;) {
    auto batch = claim(lane, to_unix(clock_.now()));
    if (batch.empty()) return sent;
    if (static_cast<int>(batch.size()) == policy_.claim_batch) wake_next(lane);
    for (auto& message : batch) {
      // Stopping: the rest of the claim goes back to the queue in stop().
      if (lane.loop.stopping()) return sent;
      deliver_one(lane, message);
    }
    sent += static_cast<int>(batch.size());
  }
}

std::vector<MailOutbox::Claimed> MailOutbox::claim(const Lane& lane, long long now) {
  PooledUnit unit(database_);
  auto connection = unit.connection();
  if (!connection) return {};
  auto& sql = **connection;
  const bool postgres = database_.backend() == Backend::postgresql;
  // One statement claims a few due rows: on PostgreSQL the rows another
  // daemon is claiming at the same moment are skipped, not waited for.
  std::string due = "SELECT id FROM mail_outbox WHERE status = 'queued' AND next_attempt_at <= :n ORDER BY id LIMIT " +
                    std::to_string(policy_.claim_batch) + (postgres ? " FOR UPDATE SKIP LOCKED" : "");
  long long daemon = cluster_.id();
  sql << "UPDATE mail_outbox SET status = 'claimed', claimed_by = :w, claimed_at = :c, claimed_daemon = :d"
         " WHERE id IN (" + due + ")",
      soci::use(lane.worker_id), soci::use(now), soci::use(daemon), soci::use(now);

  std::vector<Claimed> claimed;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, recipient, subject, body_text, body_html, category, headers, attempts, created_at,"
                      " queued_at FROM mail_outbox WHERE status = 'claimed' AND claimed_by = :w ORDER BY id",
       soci::use(lane.worker_id));
  for (const auto& row : rows) {
    Claimed c;
    c.mail.id = row_int64(row, 0);
    c.mail.to = row.get<std::string>(1);
    c.mail.subject = row.get<std::string>(2);
    c.mail.text = row.get<std::string>(3);
    c.mail.html = row.get<std::string>(4);
    c.mail.category = row.get<std::string>(5);
    auto parsed = nlohmann::json::parse(row.get<std::string>(6), nullptr, false);
    if (parsed.is_array())
      for (const auto& pair : parsed)
        if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string())
          c.mail.headers.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
    c.attempts = static_cast<int>(row_int64(row, 7));
    c.mail.created_at = row_int64(row, 8);
    c.queued_at = row_int64(row, 9);
    c.mail.from = from_;
    claimed.push_back(std::move(c));
  }
  return claimed;
}

void MailOutbox::deliver_one(Lane& lane, Claimed& c) {
  PooledUnit unit(database_);
  auto connection = unit.connection();
  if (!connection) return;
  auto& sql = **connection;
  long long now = to_unix(clock_.now());
  // Ours still (a claim that outlived its lease may have gone to another
  // daemon): from here on the message is never sent again automatically.
  {
    // Scoped: the statement must be finalised before its connection goes
    // back to the pool, where another thread may take it at once.
    soci::statement mark = (sql.prepare << "UPDATE mail_outbox SET status = 'sending', claimed_at = :c"
                                           " WHERE id = :id AND status = 'claimed' AND claimed_by = :w",
                            soci::use(now), soci::use(c.mail.id), soci::use(lane.worker_id));
    mark.execute(true);
    if (affected(mark) != 1) return;
  }
  // The connection goes back to the pool while the relay answers.
  unit.finish();

  int attempts = c.attempts + 1;
  auto started = std::chrono::steady_clock::now();
  std::string error;
  auto kind = DeliveryFailure::temporary;
  try {
    lane.transport->deliver(c.mail);
  } catch (const DeliveryError& e) {
    error = e.what();
    kind = e.kind;
  } catch (const std::exception& e) {
    error = describe_error(e);
  }
  metrics_.histogram("memberd_mail_delivery_seconds", "Time the mail transport took for one message")
      .observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());

  auto count = [&](const char* outcome) {
    metrics_.counter("memberd_mail_deliveries_total", "Mail delivery attempts by outcome", {{"outcome", outcome}}).inc();
  };
  long long finished = to_unix(clock_.now());
  if (error.empty()) {
    // Once delivered, the body (reset and verification links among it) has
    // no reason to stay: the row keeps only who, what subject and when.
    write_outcome(lane, started, [&](soci::session& sql) {
      sql << "UPDATE mail_outbox SET status = 'sent', attempts = :a, sent_at = :s, finished_at = :f, last_error = '',"
             " body_text = '', body_html = '', claimed_by = '' WHERE id = :id",
          soci::use(attempts), soci::use(finished), soci::use(finished), soci::use(c.mail.id);
    });
    count("sent");
    return;
  }
  if (kind == DeliveryFailure::unknown) {
    // The relay had the whole message and no answer came (issue 26, F5: a
    // relay answering after the timeout got it again and again). It may
    // well have it: failed, never sent again on its own; an admin who
    // learns it did not arrive retries it.
    std::string reason = "outcome unknown: " + error +
                         "; not sent again, so that the member does not get it twice (retry it if they did not get it)";
    write_outcome(lane, started, [&](soci::session& sql) {
      sql << "UPDATE mail_outbox SET status = 'failed', attempts = :a, last_error = :e, finished_at = :f,"
             " claimed_by = '' WHERE id = :id",
          soci::use(attempts), soci::use(reason), soci::use(finished), soci::use(c.mail.id);
    });
    count("unknown");
    log_.write(LogLevel::error, "mail", "delivery outcome unknown: not sent again",
               {{"message_id", std::to_string(c.mail.id)}, {"error", error}});
    return;
  }
  bool give_up = kind == DeliveryFailure::permanent || finished - c.queued_at >= policy_.retry.give_up_after.count();
  long long next = finished + retry_delay(policy_.retry, attempts, jitter_random()).count();
  std::string status = give_up ? "failed" : "queued";
  long long finished_at = give_up ? finished : 0;
  write_outcome(lane, started, [&](soci::session& sql) {
    sql << "UPDATE mail_outbox SET status = :st, attempts = :a, last_error = :e, next_attempt_at = :n,"
           " finished_at = :f, claimed_by = '' WHERE id = :id",
        soci::use(status), soci::use(attempts), soci::use(error), soci::use(next), soci::use(finished_at),
        soci::use(c.mail.id);
  });
  count(give_up ? "failed" : "retried");
  // The first lane's next look was set before this retry existed.
  if (!give_up && &lane != lanes_.front().get()) lanes_.front()->loop.wake();
  log_.write(give_up ? LogLevel::error : LogLevel::warn, "mail", give_up ? "delivery failed for good" : "delivery failed",
             {{"message_id", std::to_string(c.mail.id)},
              {"attempts", std::to_string(attempts)},
              {"error", error},
              {"next_attempt_in", give_up ? "never" : std::to_string(next - finished) + "s"}});
}

void MailOutbox::write_outcome(Lane& lane, std::chrono::steady_clock::time_point handed_over,
                               const std::function<void(soci::session&)>& write) {
  // A row left `sending` is failed as "outcome unknown" once the sending
  // lease passed, and a message the relay accepted would then look lost (and
  // an admin's retry would send it twice). During a database outage the
  // lane therefore waits for the database — it could deliver nothing else
  // meanwhile — for at most half the lease, then leaves the row to that rule.
  auto deadline = handed_over + policy_.sending_lease / 2;
  for (;;) {
    PooledUnit unit(database_);
    try {
      auto connection = unit.connection();
      if (connection) {
        write(**connection);
        return;
      }
      if (connection.failure().refusal != Refusal::unavailable && connection.failure().refusal != Refusal::busy) return;
    } catch (const std::exception& e) {
      if (unit.note_failure(e) == DatabaseFault::none) throw;
    }
    unit.finish();
    for (int i = 0; i < 10; ++i) {
      if (lane.loop.stopping() || std::chrono::steady_clock::now() >= deadline) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

// Claims whose worker stopped without giving them back (killed, a crash).
void MailOutbox::recover_stale(long long now) {
  PooledUnit unit(database_);
  auto connection = unit.connection();
  if (!connection) return;
  auto& sql = **connection;
  long long claim_cutoff = now - policy_.claim_lease.count();
  // A dead daemon's claims at once; anyone's past the lease (a daemon stuck
  // without its database connection, or from before claims named daemons).
  std::string dead = cluster_.dead_daemon_condition("claimed_daemon");
  sql << "UPDATE mail_outbox SET status = 'queued', claimed_by = '', claimed_daemon = 0 WHERE status = 'claimed'"
         " AND (claimed_at < :c OR (claimed_daemon <> 0 AND " + dead + "))",
      soci::use(claim_cutoff);
  long long sending_cutoff = now - policy_.sending_lease.count();
  std::string unknown =
      "outcome unknown: the daemon stopped while the relay had the message; not sent again, so that the member does "
      "not get it twice (retry it if they did not get it)";
  // Only a dead daemon's: a live one writes the relay's answer itself, even
  // after waiting out an outage longer than the lease.
  soci::statement st = (sql.prepare << "UPDATE mail_outbox SET status = 'failed', last_error = :e, finished_at = :f,"
                                       " claimed_by = '' WHERE status = 'sending' AND claimed_at < :c AND"
                                       " (claimed_daemon = 0 OR " + dead + ")",
                        soci::use(unknown), soci::use(now), soci::use(sending_cutoff));
  st.execute(true);
  if (long long n = affected(st); n > 0)
    log_.write(LogLevel::warn, "mail", "messages left with an unknown outcome failed", {{"count", std::to_string(n)}});
}

void MailOutbox::release_claims(const Lane& lane) {
  PooledUnit unit(database_);
  auto connection = unit.connection();
  if (!connection) return;
  soci::statement st = ((*connection)->prepare << "UPDATE mail_outbox SET status = 'queued', claimed_by = '',"
                                                  " claimed_daemon = 0 WHERE status = 'claimed' AND claimed_by = :w",
                        soci::use(lane.worker_id));
  st.execute(true);
  // Back in the queue: another daemon takes them now, not at its next look.
  if (affected(st) > 0) (void)announce_queued(unit);
}

Result<void> MailOutbox::retry(UnitOfWork& work, long long id) {
  auto connection = work.connection();
  if (!connection) return connection.failure();
  long long now = to_unix(clock_.now());
  soci::statement st = ((*connection)->prepare
                            << "UPDATE mail_outbox SET status = 'queued', attempts = 0, next_attempt_at = :n,"
                               " queued_at = :q, finished_at = 0, claimed_by = '' WHERE id = :id AND status = 'failed'",
                        soci::use(now), soci::use(now), soci::use(id));
  st.execute(true);
  if (affected(st) != 1) return Failure{Refusal::not_found, {}, "There is no failed message with that id."};
  return announce_queued(work);
}

Result<int> MailOutbox::purge(UnitOfWork& work, std::chrono::seconds older_than) {
  auto connection = work.connection();
  if (!connection) return connection.failure();
  long long cutoff = to_unix(clock_.now()) - older_than.count();
  soci::statement st =
      ((*connection)->prepare << "DELETE FROM mail_outbox WHERE status IN ('sent', 'failed') AND finished_at < :c",
       soci::use(cutoff));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

}  // namespace memberd
