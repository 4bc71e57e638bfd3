#include "settings.hpp"

#include <memberd/settings_binding.hpp>

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

const SettingsBinding<Settings>& binding() {
  using S = Settings;
  static const auto b =
      SettingsBinding<S>{}
          .bind("keep_records_for", &S::keep_records_for, "180d",
                "How long sign-in records are kept (deleted in batches after)")
          .bind("new_location_window", &S::new_location_window, "10",
                "A sign-in from a country (or an anonymous proxy) none of the member's last N successful sign-ins "
                "came from is a new location",
                window)
          .bind("mail_new_location", &S::mail_new_location, "true",
                "Mail the member about a sign-in from a new location")
          .bind("password_max_age", &S::password_max_age, "365d",
                "A password older than this lowers the security level")
          .bind("recent", &S::recent, "30d",
                "How far back failed attempts and anonymous or new-location sign-ins lower the security level")
          .bind("recent_failures_allowed", &S::recent_failures_allowed, "2",
                "Failed sign-in attempts within `recent` that do not yet lower the level", not_negative)
          .bind("whois_url", &S::whois_url, "\"https://rdap.org/ip/{ip}\"",
                "Where a record's WHOIS link points; {ip} is replaced by the address (RDAP by default)", url_with_ip);
  return b;
}

}  // namespace

std::vector<ConfigKey> config_schema() { return binding().schema(); }

Settings read_settings(const Config& config) { return binding().read(config); }

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
