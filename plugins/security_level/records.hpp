#pragma once
// Sign-in records: what is stored, how it is found, how it is shown.
#include <memberd/geo.hpp>
#include <memberd/result.hpp>
#include <memberd/unit_of_work.hpp>

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace memberd {
class Clock;
}

namespace memberd::security_level {

struct SignInRecord {
  std::int64_t id = 0;
  std::int64_t event_id = 0;
  std::string member_id;  // empty: an email no member has
  std::string session_id; // the session a success opened; never shown
  std::int64_t at = 0;    // Unix seconds
  std::string ip;
  std::string outcome;  // "success" | "failure"
  // For a failure: what it was a guess at (sign_in, in_session,
  // mailed_link) and with what secret (password, answer, ...).
  std::string kind = "sign_in";
  std::string what;
  std::string user_agent;
  GeoLocation location;
  bool new_location = false;
};

// The address as 32 hex digits of its 16 bytes (IPv4 as ::ffff:a.b.c.d), so
// that a CIDR is one range of keys; "" for text that is not an address.
std::string ip_key(const std::string& ip);
// The [first, last] keys of "a.b.c.d/n", "x::/n" or a bare address; nullopt
// when it is neither.
std::optional<std::pair<std::string, std::string>> ip_key_range(const std::string& cidr);

// Stores `record` unless its event was recorded already (a redelivery):
// true when stored. DB: writes (joins the open transaction). Fails: busy.
Result<bool> store_record(UnitOfWork& work, const SignInRecord& record);

// Whether a successful sign-in from `location` is a new location for the
// member: none of their last `window` successful sign-ins came from its
// country (or, through an anonymous proxy, through one), and there was at
// least one (the first sign-in is never new). DB: reads. Fails: busy.
Result<bool> is_new_location(UnitOfWork& work, const std::string& member_id, const GeoLocation& location, int window);

// Where a page of records continues: the last record's (at, id).
struct Cursor {
  std::int64_t at = 0, id = 0;
};
std::string encode_cursor(const Cursor& cursor);
std::optional<Cursor> decode_cursor(const std::string& text);

struct RecordFilter {
  std::string member_id;  // "" = every member
  std::string kind;       // "" = every kind
  std::optional<std::pair<std::string, std::string>> ip_keys;  // a CIDR's range
  std::string country_code;
  std::optional<bool> anonymous;
  std::string outcome;
  std::optional<std::int64_t> since, until;  // inclusive, Unix seconds
  std::optional<Cursor> after;               // the page after this record
  int limit = 50;
};

// Newest first. DB: reads. Fails: busy.
Result<std::vector<SignInRecord>> find_records(UnitOfWork& work, const RecordFilter& filter);

// Successful and failed sign-ins per bucket of `bucket_seconds` (aligned
// to the epoch), oldest first, for the filter (its cursor and limit
// unused); buckets without any are left out. DB: reads. Fails: busy.
struct BucketCount {
  std::int64_t start = 0;
  std::int64_t success = 0, failure = 0;
};
Result<std::vector<BucketCount>> count_by_bucket(UnitOfWork& work, const RecordFilter& filter,
                                                 std::int64_t bucket_seconds);

// Deletes up to `batch` records older than `before`; returns how many.
// DB: writes. Fails: busy.
Result<int> delete_records_before(UnitOfWork& work, std::int64_t before, int batch);

// As the contract shows a place (openapi.yaml, SecurityLevelLocation).
nlohmann::json location_json(const GeoLocation& location);

// As the contract shows a record (openapi.yaml, SecurityLevelSignIn).
nlohmann::json record_json(const SignInRecord& record, const Clock& clock, const std::string& whois_template);

}  // namespace memberd::security_level
