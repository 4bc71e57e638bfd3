#include "records.hpp"
#include "settings.hpp"

#include <memberd/database.hpp>
#include <memberd/host.hpp>
#include <memberd/json.hpp>
#include <memberd/list_query.hpp>

#include <arpa/inet.h>

#include <chrono>
#include <cstdio>
#include <deque>

namespace memberd::security_level {

namespace {

constexpr const char* kColumns =
    "id, event_id, member_id, session_id, at, ip, outcome, country_code, country, city, time_zone, label, anonymous, vpn, tor, "
    "public_proxy, hosting, residential_proxy, user_agent, new_location, kind, what";

std::string hex_of(const unsigned char* bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 0xf];
  }
  return out;
}

// The 16 bytes of `ip` (IPv4 mapped into IPv6); false when it is no address.
bool address_bytes(const std::string& ip, unsigned char (&out)[16]) {
  unsigned char v4[4];
  if (inet_pton(AF_INET, ip.c_str(), v4) == 1) {
    std::fill(out, out + 10, 0);
    out[10] = out[11] = 0xff;
    std::copy(v4, v4 + 4, out + 12);
    return true;
  }
  return inet_pton(AF_INET6, ip.c_str(), out) == 1;
}

// One row's columns, read in kColumns' order.
struct Row {
  long long id = 0, event_id = 0, at = 0, anonymous = 0, vpn = 0, tor = 0, public_proxy = 0, hosting = 0,
            residential_proxy = 0, new_location = 0;
  std::string member_id, session_id, ip, outcome, country_code, country, city, time_zone, label, user_agent, kind, what;
  soci::indicator member_ind = soci::i_ok;

  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(event_id));
    st.exchange(soci::into(member_id, member_ind));
    st.exchange(soci::into(session_id));
    st.exchange(soci::into(at));
    st.exchange(soci::into(ip));
    st.exchange(soci::into(outcome));
    st.exchange(soci::into(country_code));
    st.exchange(soci::into(country));
    st.exchange(soci::into(city));
    st.exchange(soci::into(time_zone));
    st.exchange(soci::into(label));
    st.exchange(soci::into(anonymous));
    st.exchange(soci::into(vpn));
    st.exchange(soci::into(tor));
    st.exchange(soci::into(public_proxy));
    st.exchange(soci::into(hosting));
    st.exchange(soci::into(residential_proxy));
    st.exchange(soci::into(user_agent));
    st.exchange(soci::into(new_location));
    st.exchange(soci::into(kind));
    st.exchange(soci::into(what));
  }

  SignInRecord record() const {
    SignInRecord r;
    r.id = id;
    r.event_id = event_id;
    r.member_id = member_ind == soci::i_ok ? member_id : std::string();
    r.session_id = session_id;
    r.at = at;
    r.ip = ip;
    r.outcome = outcome;
    r.user_agent = user_agent;
    r.location.country_code = country_code;
    r.location.country = country;
    r.location.city = city;
    r.location.time_zone = time_zone;
    r.location.label = label;
    r.location.anonymity = {anonymous != 0, vpn != 0, tor != 0, public_proxy != 0, hosting != 0, residential_proxy != 0};
    r.new_location = new_location != 0;
    r.kind = kind;
    r.what = what;
    return r;
  }
};

}  // namespace

std::string ip_key(const std::string& ip) {
  unsigned char bytes[16];
  return address_bytes(ip, bytes) ? hex_of(bytes) : std::string();
}

std::optional<std::pair<std::string, std::string>> ip_key_range(const std::string& cidr) {
  auto slash = cidr.find('/');
  std::string address = cidr.substr(0, slash);
  unsigned char low[16];
  if (!address_bytes(address, low)) return std::nullopt;
  bool v4 = address.find(':') == std::string::npos;
  int bits = v4 ? 32 : 128;
  if (slash != std::string::npos) {
    auto digits = cidr.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
    bits = std::stoi(digits);
    if (bits > (v4 ? 32 : 128)) return std::nullopt;
  }
  int prefix = v4 ? bits + 96 : bits;  // IPv4 sits in the last 32 bits
  unsigned char high[16];
  for (int i = 0; i < 16; ++i) {
    int keep = std::clamp(prefix - i * 8, 0, 8);
    unsigned char mask = static_cast<unsigned char>(keep == 0 ? 0 : 0xff << (8 - keep));
    low[i] &= mask;
    high[i] = static_cast<unsigned char>(low[i] | static_cast<unsigned char>(~mask));
  }
  return std::make_pair(hex_of(low), hex_of(high));
}

Result<bool> store_record(UnitOfWork& work, const SignInRecord& r) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  long long seen = 0;
  long long event_id = r.event_id;
  **sql << "SELECT COUNT(*) FROM security_level_sign_ins WHERE event_id = :e", soci::use(event_id), soci::into(seen);
  if (seen) return false;
  const auto& l = r.location;
  const auto& a = l.anonymity;
  soci::indicator member_ind = r.member_id.empty() ? soci::i_null : soci::i_ok;
  long long at = r.at;
  int anonymous = a.anonymous, vpn = a.vpn, tor = a.tor, public_proxy = a.public_proxy, hosting = a.hosting,
      residential = a.residential_proxy, new_location = r.new_location;
  std::string key = ip_key(r.ip);
  **sql << "INSERT INTO security_level_sign_ins (event_id, member_id, session_id, at, ip, ip_key, outcome, country_code, country,"
           " city, time_zone, label, anonymous, vpn, tor, public_proxy, hosting, residential_proxy, user_agent,"
           " new_location, kind, what) VALUES (:e, :m, :s, :at, :ip, :k, :o, :cc, :c, :city, :tz, :l, :an, :vpn, :tor,"
           " :pp, :h, :rp, :ua, :nl, :kind, :what)",
      soci::use(event_id), soci::use(r.member_id, member_ind), soci::use(r.session_id), soci::use(at), soci::use(r.ip), soci::use(key),
      soci::use(r.outcome), soci::use(l.country_code), soci::use(l.country), soci::use(l.city), soci::use(l.time_zone),
      soci::use(l.label), soci::use(anonymous), soci::use(vpn), soci::use(tor), soci::use(public_proxy),
      soci::use(hosting), soci::use(residential), soci::use(r.user_agent), soci::use(new_location), soci::use(r.kind),
      soci::use(r.what);
  return true;
}

Result<bool> is_new_location(UnitOfWork& work, const std::string& member_id, const GeoLocation& location, int window) {
  RecordFilter filter;
  filter.member_id = member_id;
  filter.outcome = "success";
  filter.limit = window;
  auto recent = find_records(work, filter);
  if (!recent) return recent.failure();
  if (recent->empty()) return false;
  for (const auto& seen : *recent) {
    if (location.anonymity.anonymous ? seen.location.anonymity.anonymous
                                     : !seen.location.anonymity.anonymous &&
                                           seen.location.country_code == location.country_code)
      return false;
  }
  return true;
}

std::string encode_cursor(const Cursor& cursor) { return page_cursor(cursor.at, std::to_string(cursor.id)); }

std::optional<Cursor> decode_cursor(const std::string& text) {
  auto cursor = parse_page_cursor(text, "0123456789");
  auto id = cursor ? whole_number(cursor->key) : std::nullopt;
  if (!id) return std::nullopt;
  return Cursor{cursor->at, *id};
}

namespace {

// The WHERE clause of a filter, its values bound to `st` as it is built.
// The values live in `strings` and `numbers` until the statement ran
// (deques never move what they hold).
struct BoundFilter {
  std::deque<std::string> strings;
  std::deque<long long> numbers;
  std::string where;

  void add(const std::string& condition) { where += (where.empty() ? " WHERE " : " AND ") + condition; }

  void bind(soci::statement& st, const RecordFilter& f, bool with_cursor) {
    auto string_is = [&](const char* condition, const std::string& value) {
      strings.push_back(value);
      add(condition);
      st.exchange(soci::use(strings.back()));
    };
    auto number_is = [&](const char* condition, long long value) {
      numbers.push_back(value);
      add(condition);
      st.exchange(soci::use(numbers.back()));
    };
    if (!f.member_id.empty()) string_is("member_id = :m", f.member_id);
    // One address is an equality, so the (ip_key, at, id) index also gives
    // the order; a network is a range, sorted afterwards.
    if (f.ip_keys && f.ip_keys->first == f.ip_keys->second) {
      string_is("ip_key = :k", f.ip_keys->first);
    } else if (f.ip_keys) {
      string_is("ip_key >= :kl", f.ip_keys->first);
      string_is("ip_key <= :kh", f.ip_keys->second);
    }
    if (!f.country_code.empty()) string_is("country_code = :cc", f.country_code);
    if (f.anonymous) number_is("anonymous = :an", *f.anonymous ? 1 : 0);
    if (!f.outcome.empty()) string_is("outcome = :o", f.outcome);
    if (!f.kind.empty()) string_is("kind = :kind", f.kind);
    if (f.since) number_is("at >= :since", *f.since);
    if (f.until) number_is("at <= :until", *f.until);
    if (with_cursor && f.after) {
      numbers.push_back(f.after->at);
      numbers.push_back(f.after->at);
      numbers.push_back(f.after->id);
      add("(at < :ca OR (at = :cb AND id < :ci))");
      st.exchange(soci::use(numbers[numbers.size() - 3]));
      st.exchange(soci::use(numbers[numbers.size() - 2]));
      st.exchange(soci::use(numbers[numbers.size() - 1]));
    }
  }
};

}  // namespace

Result<std::vector<SignInRecord>> find_records(UnitOfWork& work, const RecordFilter& f) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  soci::statement st(**sql);
  BoundFilter bound;
  bound.bind(st, f, true);
  Row row;
  row.bind(st);
  st.alloc();
  // The page's ids first, from the indexes alone where they can, then its
  // rows: a filter whose matches must be sorted (a network) sorts small
  // (at, id) pairs, not whole rows.
  const std::string order = " ORDER BY at DESC, id DESC";
  st.prepare(std::string("SELECT ") + kColumns + " FROM security_level_sign_ins WHERE id IN (SELECT id FROM "
             "security_level_sign_ins" + bound.where + order + " LIMIT " + std::to_string(std::max(1, f.limit)) + ")" +
             order);
  st.define_and_bind();
  std::vector<SignInRecord> out;
  if (st.execute(true)) {
    do out.push_back(row.record());
    while (st.fetch());
  }
  return out;
}

Result<std::vector<BucketCount>> count_by_bucket(UnitOfWork& work, const RecordFilter& f, std::int64_t bucket_seconds) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  soci::statement st(**sql);
  BoundFilter bound;
  bound.bind(st, f, false);
  long long bucket = 0, successes = 0, failures = 0;
  st.exchange(soci::into(bucket));
  st.exchange(soci::into(successes));
  st.exchange(soci::into(failures));
  std::string width = std::to_string(bucket_seconds);  // a number the caller chose, not text from a client
  st.alloc();
  st.prepare("SELECT (at / " + width + ") * " + width +
             " AS bucket, SUM(CASE WHEN outcome = 'success' THEN 1 ELSE 0 END),"
             " SUM(CASE WHEN outcome = 'failure' THEN 1 ELSE 0 END) FROM security_level_sign_ins" +
             bound.where + " GROUP BY 1 ORDER BY 1");
  st.define_and_bind();
  std::vector<BucketCount> out;
  if (st.execute(true)) {
    do out.push_back({bucket, successes, failures});
    while (st.fetch());
  }
  return out;
}

Result<int> delete_records_before(UnitOfWork& work, std::int64_t before, int batch) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  long long cutoff = before;
  // One batch: a bounded statement, so the sweep never holds the write lock
  // for long on a large table.
  soci::statement st = ((*sql)->prepare << "DELETE FROM security_level_sign_ins WHERE id IN (SELECT id FROM "
                                           "security_level_sign_ins WHERE at < :b ORDER BY at LIMIT " +
                                               std::to_string(batch) + ")",
                        soci::use(cutoff));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

nlohmann::json location_json(const GeoLocation& l) {
  auto or_null = [](const std::string& v) { return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v); };
  return {{"country_code", or_null(l.country_code)},
          {"country", or_null(l.country)},
          {"city", or_null(l.city)},
          {"time_zone", or_null(l.time_zone)},
          {"label", l.label}};
}

nlohmann::json record_json(const SignInRecord& r, const Clock& clock, const std::string& whois_template) {
  const auto& l = r.location;
  const auto& a = l.anonymity;
  auto or_null = [](const std::string& v) { return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v); };
  return {
      {"id", r.id},
      {"at", clock.format(TimePoint(std::chrono::seconds(r.at)))},
      {"member_id", or_null(r.member_id)},
      {"ip", r.ip},
      {"whois_url", whois_url(whois_template, r.ip)},
      {"outcome", r.outcome},
      {"kind", r.outcome == "success" ? nlohmann::json(nullptr) : nlohmann::json(r.kind)},
      {"what", r.outcome == "success" || r.what.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.what)},
      {"location", location_json(l)},
      {"anonymous_proxy", a.anonymous},
      {"anonymous",
       {{"vpn", a.vpn}, {"tor", a.tor}, {"public_proxy", a.public_proxy}, {"hosting", a.hosting},
        {"residential_proxy", a.residential_proxy}}},
      {"user_agent", r.user_agent},
      {"new_location", r.new_location},
  };
}

}  // namespace memberd::security_level
