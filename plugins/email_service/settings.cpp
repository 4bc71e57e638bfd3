#include "settings.hpp"

#include <memberd/settings_binding.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <set>

namespace memberd::email_service {

namespace {

// The seed's three columns.
const char* kDefaultCategories = R"([
  {id: trade_alerts, label: "Trade Alerts", description: "Buying leads, new products and offers from suppliers in the categories you follow.", default: true},
  {id: membership_services, label: "Membership Services", description: "News about your membership, the services it includes and how to get the most from them.", default: true},
  {id: notifications, label: "Notifications", description: "Messages about your inquiries, orders and the marketplace's policies.", default: true}
])";

std::optional<std::string> check_categories(const nlohmann::json& v) {
  if (!v.is_array() || v.empty()) return "must list at least one category as {id, label, description, default}";
  std::set<std::string> ids;
  for (const auto& c : v) {
    if (!c.is_object() || !c.contains("id") || !c["id"].is_string() || !c.contains("label") || !c["label"].is_string())
      return "each category is {id: <a-z, 0-9, _>, label: <text>, description: <text>, default: true|false}";
    for (const auto& [key, value] : c.items())
      if (key != "id" && key != "label" && key != "description" && key != "default")
        return "a category has no key \"" + key + "\" (id, label, description, default)";
    if (c.contains("description") && !c["description"].is_string()) return "a category's description is text";
    if (c.contains("default") && !c["default"].is_boolean()) return "a category's default is true or false";
    auto id = c["id"].get<std::string>();
    if (id.empty() || id.size() > 40 || id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
      return "category id \"" + id + "\" must use a-z, 0-9 and _ (at most 40)";
    if (c["label"].get<std::string>().empty()) return "category " + id + " has no label";
    if (!ids.insert(id).second) return "category id " + id + " is listed twice";
  }
  return std::nullopt;
}

const SettingsBinding<Settings>& binding() {
  using S = Settings;
  static const auto b =
      SettingsBinding<S>{}
          .bind(ConfigKey{"categories", ConfigType::any, kDefaultCategories,
                          "The mail categories members choose from: a list of {id, label, description, default}; ids "
                          "are stored, so never reuse one for another category",
                          check_categories},
                [](S& s, const Config& c, std::string_view key) {
                  for (const auto& category : c.json(key))
                    s.categories.push_back({category["id"].get<std::string>(), category["label"].get<std::string>(),
                                            category.value("description", ""), category.value("default", true)});
                })
          .bind("unsubscribe_key_rotation", &S::rotate_keys_every, "90d",
                "How often unsubscribe links get a new signing key (HMAC-SHA-256, kept in the database)")
          .bind("unsubscribe_keys_accepted_for", &S::keys_accepted_for, "365d",
                "How long after a key was replaced the links it signed still unsubscribe (mail already delivered)")
          .bind("list_id_domain", &S::list_id_domain, "\"\"",
                "The domain of each category's List-Id header (<trade-alerts.DOMAIN>); empty: http.public_url's host");
  return b;
}

}  // namespace

const Category* Settings::category(const std::string& id) const {
  for (const auto& c : categories)
    if (c.id == id) return &c;
  return nullptr;
}

std::vector<ConfigKey> config_schema() { return binding().schema(); }

Settings read_settings(const Config& config, const std::string& public_url) {
  Settings s = binding().read(config);
  s.api_base = public_url;
  s.link_base = public_url + "/account";
  if (s.list_id_domain.empty()) {
    // "https://shop.example.com:8443" -> "shop.example.com"
    auto host = public_url.substr(public_url.find("://") == std::string::npos ? 0 : public_url.find("://") + 3);
    host = host.substr(0, host.find_first_of(":/"));
    s.list_id_domain = host.empty() ? "localhost" : host;
  }
  return s;
}

}  // namespace memberd::email_service
