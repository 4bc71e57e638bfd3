#include "settings.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace memberd::security_level {

namespace {

std::optional<std::string> window(const nlohmann::json& v) {
  auto n = v.get<long long>();
  if (n < 1 || n > 100) return "must be between 1 and 100";
  return std::nullopt;
}

std::optional<std::string> not_negative(const nlohmann::json& v) {
  if (v.get<long long>() < 0) return "must not be negative";
  return std::nullopt;
}

std::optional<std::string> url_with_ip(const nlohmann::json& v) {
  auto text = v.get<std::string>();
  if (text.rfind("https://", 0) != 0 && text.rfind("http://", 0) != 0) return "must be an http(s) URL";
  if (text.find("{ip}") == std::string::npos) return "must contain {ip}, where the address goes";
  return std::nullopt;
}

}  // namespace

std::vector<ConfigKey> config_schema() {
  return {
      {"keep_records_for", ConfigType::duration, "180d", "How long sign-in records are kept (deleted in batches after)"},
      {"new_location_window", ConfigType::integer, "10",
       "A sign-in from a country (or an anonymous proxy) none of the member's last N successful sign-ins came from is "
       "a new location",
       window},
      {"mail_new_location", ConfigType::boolean, "true", "Mail the member about a sign-in from a new location"},
      {"password_max_age", ConfigType::duration, "365d", "A password older than this lowers the security level"},
      {"recent", ConfigType::duration, "30d",
       "How far back failed attempts and anonymous or new-location sign-ins lower the security level"},
      {"recent_failures_allowed", ConfigType::integer, "2",
       "Failed sign-in attempts within `recent` that do not yet lower the level", not_negative},
      {"whois_url", ConfigType::string, "\"https://rdap.org/ip/{ip}\"",
       "Where a record's WHOIS link points; {ip} is replaced by the address (RDAP by default)", url_with_ip},
  };
}

Settings read_settings(const Config& config) {
  Settings s;
  s.keep_records_for = config.duration("keep_records_for");
  s.new_location_window = static_cast<int>(config.integer("new_location_window"));
  s.mail_new_location = config.boolean("mail_new_location");
  s.password_max_age = config.duration("password_max_age");
  s.recent = config.duration("recent");
  s.recent_failures_allowed = static_cast<int>(config.integer("recent_failures_allowed"));
  s.whois_url = config.string("whois_url");
  return s;
}

std::string whois_url(const std::string& url_template, const std::string& ip) {
  std::string out = url_template;
  std::string encoded;
  for (char c : ip) {
    bool plain = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':';
    if (plain) {
      encoded += c;
    } else {
      static const char* hex = "0123456789ABCDEF";
      encoded += '%';
      encoded += hex[(c >> 4) & 0xf];
      encoded += hex[c & 0xf];
    }
  }
  for (auto at = out.find("{ip}"); at != std::string::npos; at = out.find("{ip}", at + encoded.size()))
    out.replace(at, 4, encoded);
  return out;
}

}  // namespace memberd::security_level
