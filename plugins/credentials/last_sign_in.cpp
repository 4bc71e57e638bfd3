#include "last_sign_in.hpp"

#include <memberd/database.hpp>
#include <memberd/json.hpp>
#include <memberd/text.hpp>

namespace memberd::credentials {

Result<nlohmann::json> swap_last_sign_in(Host& host, UnitOfWork& work, const std::string& member_id,
                                         const std::string& ip, const std::string& user_agent) {
  auto sql = work.connection();
  if (!sql) return sql.failure();
  long long at = 0, anonymous = 0;
  std::string was_ip, was_agent, country_code, country, city, time_zone, label;
  **sql << "SELECT at, ip, user_agent, country_code, country, city, time_zone, label, anonymous"
           " FROM credentials_last_sign_ins WHERE member_id = :m",
      soci::use(member_id), soci::into(at), soci::into(was_ip), soci::into(was_agent), soci::into(country_code),
      soci::into(country), soci::into(city), soci::into(time_zone), soci::into(label), soci::into(anonymous);
  nlohmann::json previous = nullptr;
  auto or_null = [](const std::string& v) { return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v); };
  if ((*sql)->got_data())
    previous = {{"at", host.clock().format(TimePoint(std::chrono::seconds(at)))},
                {"ip", was_ip},
                {"user_agent", was_agent},
                {"location",
                 {{"country_code", or_null(country_code)},
                  {"country", or_null(country)},
                  {"city", or_null(city)},
                  {"time_zone", or_null(time_zone)},
                  {"label", label}}},
                {"anonymous_proxy", anonymous != 0}};

  auto place = host.geo().locate(ip);
  long long now = host.clock().unix_now();
  int is_anonymous = place.anonymity.anonymous;
  std::string agent = valid_utf8(user_agent, 512);
  **sql << "INSERT INTO credentials_last_sign_ins (member_id, at, ip, user_agent, country_code, country, city,"
           " time_zone, label, anonymous) VALUES (:m, :at, :ip, :ua, :cc, :c, :city, :tz, :l, :an)"
           " ON CONFLICT (member_id) DO UPDATE SET at = excluded.at, ip = excluded.ip,"
           " user_agent = excluded.user_agent, country_code = excluded.country_code, country = excluded.country,"
           " city = excluded.city, time_zone = excluded.time_zone, label = excluded.label,"
           " anonymous = excluded.anonymous",
      soci::use(member_id), soci::use(now), soci::use(ip), soci::use(agent), soci::use(place.country_code),
      soci::use(place.country), soci::use(place.city), soci::use(place.time_zone), soci::use(place.label),
      soci::use(is_anonymous);
  return previous;
}

}  // namespace memberd::credentials
