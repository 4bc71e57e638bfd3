#include "reviews/review_queue.hpp"

#include "events/event_bus.hpp"
#include "storage/row_values.hpp"
#include "storage/service_boundary.hpp"
#include "storage/unit_sql.hpp"
#include "util/crypto.hpp"
#include "util/review_kind_names.hpp"
#include "util/time_format.hpp"

#include <soci/soci.h>

#include <map>

namespace memberd {

namespace {

constexpr const char* kColumns =
    "r.revision_id, r.kind, r.member_id, r.status, r.pending_fields, r.published_fields, r.submitted_at, r.due_at,"
    " r.claimed_by, r.claimed_at, r.decided_by, r.decided_at, r.reason, m.email";

std::string when(long long unix_time) { return unix_time > 0 ? format_rfc3339(from_unix(unix_time)) : std::string(); }

nlohmann::json time_or_null(long long unix_time) {
  return unix_time > 0 ? nlohmann::json(when(unix_time)) : nlohmann::json(nullptr);
}

std::string text_or_empty(const soci::row& row, std::size_t column) {
  return row.get_indicator(column) == soci::i_ok ? row.get<std::string>(column) : std::string();
}

long long int_or_zero(const soci::row& row, std::size_t column) {
  return row.get_indicator(column) == soci::i_ok ? row_int64(row, column) : 0;
}

// Stored JSON is the host's own writing; a damaged row shows as null rather
// than failing the whole page.
nlohmann::json parsed(const std::string& text) {
  auto value = nlohmann::json::parse(text, nullptr, false);
  return value.is_discarded() ? nlohmann::json(nullptr) : value;
}

nlohmann::json item_json(const soci::row& row, long long now) {
  long long due = row_int64(row, 7);
  std::string status = row.get<std::string>(3);
  return {{"revision_id", row.get<std::string>(0)},
          {"kind", row.get<std::string>(1)},
          {"member_id", row.get<std::string>(2)},
          {"member_email", text_or_empty(row, 13)},
          {"status", status},
          {"fields", parsed(row.get<std::string>(4))},
          {"published_fields", parsed(row.get<std::string>(5))},
          {"submitted_at", when(row_int64(row, 6))},
          {"due_at", when(due)},
          {"overdue", status == "pending" && now >= due},
          {"claimed_by", text_or_empty(row, 8).empty() ? nlohmann::json(nullptr) : nlohmann::json(text_or_empty(row, 8))},
          {"claimed_at", time_or_null(int_or_zero(row, 9))},
          {"decided_by", text_or_empty(row, 10).empty() ? nlohmann::json(nullptr) : nlohmann::json(text_or_empty(row, 10))},
          {"decided_at", time_or_null(int_or_zero(row, 11))},
          {"reason", row.get<std::string>(12)}};
}

ReviewRevision revision_of(const soci::row& row) {
  return {row.get<std::string>(0), row.get<std::string>(1), row.get<std::string>(2), row.get<std::string>(3),
          row.get<std::string>(4), when(row_int64(row, 6)),  when(row_int64(row, 7)),  when(int_or_zero(row, 11)),
          row.get<std::string>(12)};
}

void record(soci::session& sql, const std::string& revision_id, const char* step, const std::string& actor,
            long long at, const std::string& detail = {}) {
  std::string s = step;
  sql << "INSERT INTO review_history (revision_id, step, actor, at, detail) VALUES (:r, :s, :a, :t, :d)",
      soci::use(revision_id), soci::use(s), soci::use(actor), soci::use(at), soci::use(detail);
}

Failure conflict(std::string detail) { return Failure{Refusal::conflict, std::chrono::seconds(0), std::move(detail)}; }

// Why a revision in `status` can no longer be decided or claimed.
Failure not_pending(const std::string& status) {
  if (status == "superseded")
    return conflict("The member submitted a newer revision; decide that one.");
  if (status == "withdrawn") return conflict("The member withdrew this revision.");
  return conflict("This revision was already " + status + ".");
}

std::optional<ReviewRevision> one_revision(soci::session& sql, const std::string& where, const std::string& kind,
                                           const std::string& member) {
  soci::rowset<soci::row> rows =
      (sql.prepare << std::string("SELECT ") + kColumns +
                          " FROM review_items r LEFT JOIN members m ON m.member_id = r.member_id"
                          " WHERE r.kind = :k AND r.member_id = :m AND " + where,
       soci::use(kind), soci::use(member));
  for (const auto& row : rows) return revision_of(row);
  return std::nullopt;
}

}  // namespace

bool ReviewQueue::is_kind(std::string_view kind) { return is_review_kind(kind); }

std::optional<PageCursor> ReviewQueue::parse_cursor(std::string_view text) {
  return parse_page_cursor(text, "0123456789abcdef-");  // a revision id
}

Result<ReviewReceipt> ReviewQueue::submit(UnitOfWork& work, std::string_view kind, std::string_view member_id,
                                          const nlohmann::json& pending, const nlohmann::json& published,
                                          std::chrono::seconds review_window) {
  return service_call(log_, "Reviews::submit", work, [&]() -> Result<ReviewReceipt> {
    if (!is_kind(kind)) throw std::logic_error("Reviews::submit: a kind is [a-z0-9_.], at most 64 characters");
    if (!pending.is_object()) throw std::logic_error("Reviews::submit: `pending` must be a JSON object");
    std::string k(kind), member(member_id);
    std::string pending_text = pending.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string published_text = published.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    long long now = to_unix(clock_.now());
    long long due = now + review_window.count();
    return atomically(work, [&](soci::session& sql) -> Result<ReviewReceipt> {
      // Two submissions of one member's kind at once: on PostgreSQL both
      // would find the same pending row (or none) and the second insert would
      // break the one-pending index; a lock per member and kind, held to the
      // commit, puts them in turn. (SQLite's writers are in turn already.)
      if (work.backend() == Backend::postgresql) {
        std::string key = k + ":" + member;
        sql << "SELECT pg_advisory_xact_lock(7273, hashtext(:k))", soci::use(key);
      }
      int known = 0;
      sql << "SELECT COUNT(*) FROM members WHERE member_id = :m", soci::use(member), soci::into(known);
      if (known == 0) return Failure{Refusal::not_found};
      ReviewReceipt receipt{new_uuid(), when(now), when(due), {}};
      std::string old_id;
      soci::indicator ind = soci::i_null;
      sql << "SELECT revision_id FROM review_items WHERE member_id = :m AND kind = :k AND status = 'pending'",
          soci::use(member), soci::use(k), soci::into(old_id, ind);
      if (ind == soci::i_ok) {
        sql << "UPDATE review_items SET status = 'superseded' WHERE revision_id = :r", soci::use(old_id);
        record(sql, old_id, "superseded", member, now, receipt.revision_id);
        receipt.superseded = old_id;
      }
      sql << "INSERT INTO review_items (revision_id, kind, member_id, status, pending_fields, published_fields,"
             " submitted_at, due_at) VALUES (:r, :k, :m, 'pending', :p, :q, :s, :d)",
          soci::use(receipt.revision_id), soci::use(k), soci::use(member), soci::use(pending_text),
          soci::use(published_text), soci::use(now), soci::use(due);
      record(sql, receipt.revision_id, "submitted", member, now, old_id);
      return receipt;
    });
  });
}

Result<bool> ReviewQueue::withdraw(UnitOfWork& work, std::string_view kind, std::string_view member_id) {
  return service_call(log_, "Reviews::withdraw", work, [&]() -> Result<bool> {
    std::string k(kind), member(member_id);
    long long now = to_unix(clock_.now());
    return atomically(work, [&](soci::session& sql) -> Result<bool> {
      std::string revision;
      soci::indicator ind = soci::i_null;
      sql << "SELECT revision_id FROM review_items WHERE member_id = :m AND kind = :k AND status = 'pending'",
          soci::use(member), soci::use(k), soci::into(revision, ind);
      if (ind != soci::i_ok) return false;
      // The status test again in the UPDATE: a decision that committed in
      // between wins, and the member's withdrawal then changes nothing.
      soci::statement update = (sql.prepare << "UPDATE review_items SET status = 'withdrawn' WHERE revision_id = :r"
                                               " AND status = 'pending'",
                                soci::use(revision));
      update.execute(true);
      if (update.get_affected_rows() == 0) return false;
      record(sql, revision, "withdrawn", member, now);
      return true;
    });
  });
}

Result<std::optional<ReviewRevision>> ReviewQueue::pending(UnitOfWork& work, std::string_view kind,
                                                           std::string_view member_id) {
  return service_call(log_, "Reviews::pending", work, [&]() -> Result<std::optional<ReviewRevision>> {
    auto sql = work.connection();
    if (!sql) return sql.failure();
    return one_revision(**sql, "r.status = 'pending'", std::string(kind), std::string(member_id));
  });
}

Result<std::optional<ReviewRevision>> ReviewQueue::last_decision(UnitOfWork& work, std::string_view kind,
                                                                 std::string_view member_id) {
  return service_call(log_, "Reviews::last_decision", work, [&]() -> Result<std::optional<ReviewRevision>> {
    auto sql = work.connection();
    if (!sql) return sql.failure();
    return one_revision(**sql, "r.status IN ('approved', 'rejected') ORDER BY r.decided_at DESC, r.submitted_at DESC LIMIT 1",
                        std::string(kind), std::string(member_id));
  });
}

Result<nlohmann::json> ReviewQueue::list(UnitOfWork& work, const ReviewListQuery& query) {
  static const std::vector<std::string> kStatuses = {"pending", "approved", "rejected", "superseded", "withdrawn"};
  if (std::find(kStatuses.begin(), kStatuses.end(), query.status) == kStatuses.end())
    throw std::logic_error("ReviewQueue::list: unknown status");
  std::string where = " WHERE r.status = '" + query.status + "'";  // one of five words, checked above
  if (!query.kinds.empty()) {
    where += " AND r.kind IN (";
    for (std::size_t i = 0; i < query.kinds.size(); ++i) {
      if (!is_kind(query.kinds[i])) throw std::logic_error("ReviewQueue::list: malformed kind");
      where += (i ? ", '" : "'") + query.kinds[i] + "'";  // [a-z0-9_.] only, checked above
    }
    where += ")";
  }
  long long now = to_unix(clock_.now());
  long long after_time = -1;
  std::string after_id;
  if (!query.cursor.empty()) {
    auto cursor = parse_cursor(query.cursor);
    if (!cursor) return Failure{Refusal::not_found};
    after_time = cursor->at;
    after_id = cursor->key;
  }
  where += " AND (r.submitted_at > :t1 OR (r.submitted_at = :t2 AND r.revision_id > :id))";
  if (query.overdue_only) where += " AND r.due_at <= :now";
  else where += " AND :now >= 0";  // keeps the bindings the same for both shapes
  auto sql = work.connection();
  if (!sql) return sql.failure();
  int fetch = query.limit + 1;
  soci::rowset<soci::row> rows =
      ((*sql)->prepare << std::string("SELECT ") + kColumns +
                              " FROM review_items r LEFT JOIN members m ON m.member_id = r.member_id" + where +
                              " ORDER BY r.submitted_at, r.revision_id LIMIT :l",
       soci::use(after_time), soci::use(after_time), soci::use(after_id), soci::use(now), soci::use(fetch));
  nlohmann::json items = nlohmann::json::array();
  nlohmann::json next = nullptr;
  std::string last_cursor;
  for (const auto& row : rows) {
    if (static_cast<int>(items.size()) == query.limit) {
      next = last_cursor;
      break;
    }
    items.push_back(item_json(row, now));
    last_cursor = page_cursor(row_int64(row, 6), row.get<std::string>(0));
  }
  return nlohmann::json{{"items", items}, {"next_cursor", next}};
}

Result<nlohmann::json> ReviewQueue::item(UnitOfWork& work, std::string_view revision_id) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  std::string id(revision_id);
  long long now = to_unix(clock_.now());
  nlohmann::json found;
  soci::rowset<soci::row> rows =
      ((*sql)->prepare << std::string("SELECT ") + kColumns +
                              " FROM review_items r LEFT JOIN members m ON m.member_id = r.member_id"
                              " WHERE r.revision_id = :r",
       soci::use(id));
  for (const auto& row : rows) found = item_json(row, now);
  if (found.is_null()) return Failure{Refusal::not_found};
  // Each step with its actor's email, so the console names the admin
  // rather than an id (null for `operator`, or an account since deleted).
  nlohmann::json history = nlohmann::json::array();
  soci::rowset<soci::row> steps =
      ((*sql)->prepare << "SELECT h.step, h.actor, h.at, h.detail, m.email FROM review_history h"
                          " LEFT JOIN members m ON m.member_id = h.actor WHERE h.revision_id = :r ORDER BY h.id",
       soci::use(id));
  std::map<std::string, std::string> emails;
  for (const auto& row : steps) {
    const std::string actor = row.get<std::string>(1), email = text_or_empty(row, 4);
    if (!email.empty()) emails[actor] = email;
    history.push_back({{"step", row.get<std::string>(0)},
                       {"by", actor},
                       {"by_email", email.empty() ? nlohmann::json(nullptr) : nlohmann::json(email)},
                       {"at", when(row_int64(row, 2))},
                       {"detail", row.get<std::string>(3)}});
  }
  found["history"] = std::move(history);
  // A claim is always in the history: its claimant's email is known there.
  const auto& claimant = found["claimed_by"];
  auto known = claimant.is_string() ? emails.find(claimant.get<std::string>()) : emails.end();
  found["claimed_by_email"] = known == emails.end() ? nlohmann::json(nullptr) : nlohmann::json(known->second);
  return found;
}

Result<void> ReviewQueue::claim(UnitOfWork& work, std::string_view revision_id, std::string_view admin_id,
                                bool take_over) {
  std::string id(revision_id), admin(admin_id);
  long long now = to_unix(clock_.now());
  return atomically(work, [&](soci::session& sql) -> Result<void> {
    std::string status, claimed_by;
    soci::indicator found = soci::i_null, claimed = soci::i_null;
    sql << "SELECT status, claimed_by FROM review_items WHERE revision_id = :r", soci::use(id),
        soci::into(status, found), soci::into(claimed_by, claimed);
    if (found != soci::i_ok) return Failure{Refusal::not_found};
    if (status != "pending") return not_pending(status);
    bool other = claimed == soci::i_ok && !claimed_by.empty() && claimed_by != admin;
    if (other && !take_over)
      return conflict("Another admin is working on this item; take the claim over to decide it yourself.");
    if (claimed == soci::i_ok && claimed_by == admin) return {};
    soci::statement update = (sql.prepare << "UPDATE review_items SET claimed_by = :a, claimed_at = :t"
                                             " WHERE revision_id = :r AND status = 'pending'",
                              soci::use(admin), soci::use(now), soci::use(id));
    update.execute(true);
    if (update.get_affected_rows() != 1) return conflict("This item changed meanwhile; reload it.");
    record(sql, id, other ? "claim_taken_over" : "claimed", admin, now, other ? claimed_by : std::string());
    return {};
  });
}

Result<void> ReviewQueue::decide(UnitOfWork& work, std::string_view revision_id, std::string_view admin_id,
                                 const ReviewDecision& decision) {
  std::string id(revision_id), admin(admin_id);
  long long now = to_unix(clock_.now());
  return atomically(work, [&](soci::session& sql) -> Result<void> {
    std::string status, claimed_by, kind, member, fields;
    soci::indicator found = soci::i_null, claimed = soci::i_null;
    sql << "SELECT status, claimed_by, kind, member_id, pending_fields FROM review_items WHERE revision_id = :r",
        soci::use(id), soci::into(status, found), soci::into(claimed_by, claimed), soci::into(kind), soci::into(member),
        soci::into(fields);
    if (found != soci::i_ok) return Failure{Refusal::not_found};
    if (status != "pending") return not_pending(status);
    if (claimed == soci::i_ok && !claimed_by.empty() && claimed_by != admin)
      return conflict("Another admin is working on this item; take the claim over to decide it yourself.");
    std::string outcome = decision.approve ? "approved" : "rejected";
    std::string reason = decision.approve ? std::string() : decision.reason;
    // The status check in the WHERE is what lets exactly one of two
    // concurrent decisions through: the second finds the row decided.
    soci::statement update =
        (sql.prepare << "UPDATE review_items SET status = :s, decided_by = :a, decided_at = :t, reason = :why"
                        " WHERE revision_id = :r AND status = 'pending'",
         soci::use(outcome), soci::use(admin), soci::use(now), soci::use(reason), soci::use(id));
    update.execute(true);
    if (update.get_affected_rows() != 1) return conflict("This revision was decided meanwhile.");
    record(sql, id, outcome.c_str(), admin, now, reason);
    nlohmann::json event = {{"revision_id", id},      {"kind", kind},        {"member_id", member},
                            {"fields", parsed(fields)}, {"decided_by", admin}, {"decided_at", when(now)}};
    if (!decision.approve) event["reason"] = reason;
    return events_.publish(work, decision.approve ? "review.approved" : "review.rejected", event);
  });
}

Result<ReviewFigures> ReviewQueue::figures(UnitOfWork& work) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  long long now = to_unix(clock_.now());
  ReviewFigures f;
  // Three questions the indexes answer alone (review_items_due,
  // review_items_queue): one query with a CASE over the rows read every
  // pending row (41 ms at 100,000 on SQLite).
  long long oldest = 0;
  soci::indicator oldest_ind = soci::i_null;
  **sql << "SELECT COUNT(*) FROM review_items WHERE status = 'pending'", soci::into(f.pending);
  **sql << "SELECT COUNT(*) FROM review_items WHERE status = 'pending' AND due_at <= :n", soci::use(now),
      soci::into(f.overdue);
  **sql << "SELECT MIN(submitted_at) FROM review_items WHERE status = 'pending'", soci::into(oldest, oldest_ind);
  if (oldest_ind == soci::i_ok && oldest > 0) f.oldest_pending_seconds = std::max(0LL, now - oldest);
  return f;
}

Result<int> ReviewQueue::purge(UnitOfWork& work, TimePoint superseded_before, std::optional<TimePoint> decided_before,
                               int batch) {
  auto connection = work.connection();
  if (!connection) return connection.failure();
  auto& sql = **connection;
  // The history goes with each item (ON DELETE CASCADE). Each statement is
  // its own small transaction: nothing here must be all or nothing.
  long long superseded_cutoff = to_unix(superseded_before);
  soci::statement superseded =
      (sql.prepare << "DELETE FROM review_items WHERE revision_id IN (SELECT revision_id FROM review_items WHERE "
                      "status IN ('superseded', 'withdrawn') AND submitted_at < :c ORDER BY submitted_at LIMIT :b)",
       soci::use(superseded_cutoff), soci::use(batch));
  superseded.execute(true);
  auto purged = static_cast<int>(superseded.get_affected_rows());
  if (decided_before) {
    long long decided_cutoff = to_unix(*decided_before);
    soci::statement decided =
        (sql.prepare << "DELETE FROM review_items WHERE revision_id IN (SELECT revision_id FROM review_items WHERE "
                        "status IN ('approved', 'rejected') AND decided_at < :c ORDER BY decided_at LIMIT :b)",
         soci::use(decided_cutoff), soci::use(batch));
    decided.execute(true);
    purged += static_cast<int>(decided.get_affected_rows());
  }
  return purged;
}

}  // namespace memberd
