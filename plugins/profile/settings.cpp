#include "settings.hpp"

#include <memberd/config_checks.hpp>

#include <nlohmann/json.hpp>

namespace memberd::profile {

namespace {

constexpr const char* kDefaultRejectReasons =
    "[\"The company name does not match the business.\","
    " \"Contact details are incomplete or cannot be reached.\","
    " \"The text advertises, or links to, something other than the business.\","
    " \"The profile contains offensive or misleading content.\"]";

}  // namespace

std::vector<ConfigKey> config_schema() {
  return {
      {"fields", ConfigType::any, kDefaultFieldsYaml,
       "The profile form: a list of {name, label, type, required, max_length, options}; types: text, textarea, "
       "email, phone, url, country, select, time_zone. Names are stored: never reuse one for another meaning",
       check_field_specs},
      {"review_window", ConfigType::duration, "24h",
       "How long an admin has to decide a submitted profile (its due time; overdue after)",
       duration_between(1, 30LL * 24 * 3600, "1s to 30d")},
      {"reject_reasons", ConfigType::string_list, kDefaultRejectReasons,
       "Reasons the console offers when rejecting a profile (an admin may also write one)", sentence_list(50, 500)},
      {"mail_decisions", ConfigType::boolean, "true", "Mail the member each decision, with a rejection's reason"},
  };
}

Settings read_settings(const Config& config) {
  return {read_field_specs(config.json("fields")), config.duration("review_window"),
          config.string_list("reject_reasons"), config.boolean("mail_decisions")};
}

}  // namespace memberd::profile
