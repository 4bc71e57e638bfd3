#include "settings.hpp"

#include <memberd/config_checks.hpp>
#include <memberd/settings_binding.hpp>

#include <nlohmann/json.hpp>

namespace memberd::profile {

namespace {

constexpr const char* kDefaultRejectReasons =
    "[\"The company name does not match the business.\","
    " \"Contact details are incomplete or cannot be reached.\","
    " \"The text advertises, or links to, something other than the business.\","
    " \"The profile contains offensive or misleading content.\"]";

const SettingsBinding<Settings>& binding() {
  using S = Settings;
  static const auto b =
      SettingsBinding<S>{}
          .bind(ConfigKey{"fields", ConfigType::any, kDefaultFieldsYaml,
                          "The profile form: a list of {name, label, type, required, max_length, options}; types: "
                          "text, textarea, email, phone, url, country, select, time_zone. Names are stored: never "
                          "reuse one for another meaning",
                          check_field_specs},
                [](S& s, const Config& c, std::string_view key) { s.fields = read_field_specs(c.json(key)); })
          .bind("review_window", &S::review_window, "24h",
                "How long an admin has to decide a submitted profile (its due time; overdue after)",
                duration_between(1, 30LL * 24 * 3600, "1s to 30d"))
          .bind("reject_reasons", &S::reject_reasons, kDefaultRejectReasons,
                "Reasons the console offers when rejecting a profile (an admin may also write one)",
                sentence_list(50, 500))
          .bind("mail_decisions", &S::mail_decisions, "true",
                "Mail the member each decision, with a rejection's reason");
  return b;
}

}  // namespace

std::vector<ConfigKey> config_schema() { return binding().schema(); }

Settings read_settings(const Config& config) { return binding().read(config); }

}  // namespace memberd::profile
