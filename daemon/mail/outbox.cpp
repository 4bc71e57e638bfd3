#include "mail/outbox.hpp"
#include "storage/error_text.hpp"

#include "log/logger.hpp"
#include "util/time_format.hpp"

#include "storage/database.hpp"
#include "storage/pooled_unit.hpp"

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include <algorithm>
#include <stdexcept>
#include <optional>
#include <vector>

namespace memberd {

namespace {
constexpr int kMaxAttempts = 8;
constexpr auto kPollInterval = std::chrono::milliseconds(1000);

// 30 s, 1 min, 2 min ... capped at 1 h: a relay outage is ridden out without hammering it.
long long backoff_seconds(int attempts) { return std::min<long long>(3600, 30LL << std::min(attempts - 1, 7)); }
}  // namespace

MailOutbox::MailOutbox(ConnectionPool& database, const Clock& clock, LogSink& log, std::unique_ptr<MailTransport> transport,
                       std::string from)
    : database_(database), clock_(clock), log_(log), transport_(std::move(transport)), from_(std::move(from)) {}

MailOutbox::~MailOutbox() { stop(); }

Result<void> MailOutbox::enqueue(UnitOfWork& work, const MailMessage& m) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  for (const auto& [name, value] : m.headers)
    if (!is_allowed_extra_header(name)) throw std::invalid_argument("mail header \"" + name + "\" may not be set");
  long long now = to_unix(clock_.now());
  std::string to = m.to, subject = m.subject, text = m.text, html = m.html, category = m.category;
  std::string status = "queued";
  nlohmann::json header_list = nlohmann::json::array();
  for (const auto& [name, value] : m.headers) header_list.push_back({name, value});
  std::string headers = header_list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  **sql << "INSERT INTO mail_outbox (recipient, subject, body_text, body_html, category, headers, status, attempts,"
        " last_error, next_attempt_at, created_at) VALUES (:r, :s, :t, :h, :c, :hd, :st, 0, '', :n, :cr)",
      soci::use(to), soci::use(subject), soci::use(text), soci::use(html), soci::use(category), soci::use(headers),
      soci::use(status), soci::use(now), soci::use(now);
  work.after_commit([this] { loop_.wake(); });
  return {};
}

void MailOutbox::start() {
  loop_.start(kPollInterval, [this] {
    try {
      deliver_due();
    } catch (const std::exception& e) {
      log_.write(LogLevel::warn, "mail", "outbox pass failed", {{"error", describe_error(e)}});
    }
  });
}

void MailOutbox::stop() { loop_.stop(); }

int MailOutbox::deliver_due() {
  long long now = to_unix(clock_.now());
  const bool postgres = database_.backend() == Backend::postgresql;
  int sent = 0;
  for (;;) {
    PooledUnit unit(database_);
    auto connection = unit.connection();
    if (!connection) return sent;
    auto& sql = **connection;
    // On PostgreSQL one message per transaction: claimed with a row lock (two
    // daemons never send the same one), delivered, and marked in one go.
    // SQLite has one daemon and one outbox thread; holding its database-wide
    // write lock while a relay answers would stall every other writer.
    if (postgres)
      if (auto begun = unit.begin(); !begun) return sent;
    OutgoingMail mail;
    int attempts = 0;
    soci::indicator ind = soci::i_null;
    std::string headers;
    sql << std::string("SELECT id, recipient, subject, body_text, body_html, category, headers, attempts, created_at"
                       " FROM mail_outbox WHERE status = 'queued' AND next_attempt_at <= :n ORDER BY id LIMIT 1") +
               (postgres ? " FOR UPDATE SKIP LOCKED" : ""),
        soci::use(now), soci::into(mail.id, ind), soci::into(mail.to), soci::into(mail.subject), soci::into(mail.text),
        soci::into(mail.html), soci::into(mail.category), soci::into(headers), soci::into(attempts),
        soci::into(mail.created_at);
    if (!sql.got_data() || ind != soci::i_ok) return sent;
    auto parsed = nlohmann::json::parse(headers, nullptr, false);
    if (parsed.is_array())
      for (const auto& pair : parsed)
        if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string())
          mail.headers.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
    mail.from = from_;
    ++attempts;
    try {
      transport_->deliver(mail);
      long long sent_at = to_unix(clock_.now());
      // Once delivered, the body (reset and verification links among it) has
      // no reason to stay: the row keeps only who, what subject and when.
      sql << "UPDATE mail_outbox SET status = 'sent', attempts = :a, sent_at = :s, last_error = '',"
             " body_text = '', body_html = '' WHERE id = :id",
          soci::use(attempts), soci::use(sent_at), soci::use(mail.id);
      ++sent;
    } catch (const std::exception& e) {
      std::string status = attempts >= kMaxAttempts ? "failed" : "queued", error = describe_error(e);
      long long next = now + backoff_seconds(attempts);
      sql << "UPDATE mail_outbox SET status = :st, attempts = :a, last_error = :e, next_attempt_at = :n WHERE id = :id",
          soci::use(status), soci::use(attempts), soci::use(error), soci::use(next), soci::use(mail.id);
      log_.write(LogLevel::warn, "mail", "delivery failed",
                 {{"message_id", std::to_string(mail.id)}, {"attempts", std::to_string(attempts)}, {"error", error}});
    }
    if (postgres)
      if (auto committed = unit.commit(); !committed) return sent;
  }
}

Result<int> MailOutbox::purge(UnitOfWork& work, std::chrono::seconds older_than) {
  auto connection = work.connection();
  if (!connection) return connection.failure();
  long long cutoff = to_unix(clock_.now()) - older_than.count();
  soci::statement st = ((*connection)->prepare << "DELETE FROM mail_outbox WHERE status <> 'queued' AND created_at < :c",
                        soci::use(cutoff));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

}  // namespace memberd
