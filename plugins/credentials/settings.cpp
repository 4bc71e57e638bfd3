#include "settings.hpp"

#include <memberd/config_checks.hpp>
#include <memberd/settings_binding.hpp>

#include <nlohmann/json.hpp>

#include <optional>

namespace memberd::credentials {

namespace {

const char* kDefaultQuestions = R"([
  {id: first_pet, text: "What was the name of your first pet?"},
  {id: birth_city, text: "In which city were you born?"},
  {id: first_school, text: "What was the name of your first school?"},
  {id: childhood_street, text: "On which street did you live as a child?"},
  {id: first_teacher, text: "What was the surname of your first teacher?"},
  {id: favourite_book, text: "What is the title of your favourite book?"},
  {id: first_job, text: "What was your first job?"},
  {id: childhood_friend, text: "What is the first name of your oldest friend?"},
  {id: parents_meeting, text: "In which town did your parents meet?"}
])";

std::optional<std::string> check_questions(const nlohmann::json& v) {
  if (!v.is_array() || v.size() < 2) return "must list at least two questions as {id, text}";
  std::vector<std::string> ids;
  for (const auto& q : v) {
    if (!q.is_object() || !q.contains("id") || !q.contains("text") || !q["id"].is_string() || !q["text"].is_string() ||
        q.size() != 2)
      return "each question is {id: <letters, digits, _>, text: <the question>}";
    auto id = q["id"].get<std::string>();
    if (id.empty() || id.size() > 64 || id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
      return "question id \"" + id + "\" must use a-z, 0-9 and _";
    if (q["text"].get<std::string>().empty()) return "question " + id + " has no text";
    for (const auto& seen : ids)
      if (seen == id) return "question id " + id + " is listed twice";
    ids.push_back(id);
  }
  return std::nullopt;
}

std::optional<std::string> positive(const nlohmann::json& v) {
  if (v.get<long long>() < 1) return "must be at least 1";
  return std::nullopt;
}

}  // namespace

const Question* Settings::question(std::string_view id) const {
  for (const auto& q : questions)
    if (q.id == id) return &q;
  return nullptr;
}

namespace {

const SettingsBinding<Settings>& binding() {
  using S = Settings;
  static const auto b =
      SettingsBinding<S>{}
          .bind(ConfigKey{"security_questions", ConfigType::any, kDefaultQuestions,
                          "The dropdown of security questions: a list of {id, text}; ids are stored, so never reuse "
                          "one for another question",
                          check_questions},
                [](S& s, const Config& c, std::string_view key) {
                  for (const auto& q : c.json(key))
                    s.questions.push_back({q["id"].get<std::string>(), q["text"].get<std::string>()});
                })
          .bind(ConfigKey{"step_up_minutes", ConfigType::integer, "10",
                          "How long a step-up lets a session change email or password", positive},
                [](S& s, const Config& c, std::string_view key) { s.step_up = std::chrono::minutes(c.integer(key)); })
          .bind("verify_new_email", &S::verify_new_email, "true",
                "Whether a new email address takes effect only after its verification link is used")
          .bind("reset_token_lifetime", &S::reset_token_lifetime, "30m", "How long a password-reset link works")
          .bind("verification_token_lifetime", &S::verification_token_lifetime, "24h",
                "How long an email-verification link, and a link that confirms the address a member joined with, "
                "works")
          .bind("link_base", &S::link_base, "\"\"",
                "Base of the links in mail, which append /#/credentials/<page>?token=...; empty: the daemon's public "
                "URL + /account (the member shell)")
          .bind("address_failures_per_minute", &S::address_failures_per_minute, "20",
                "Failed sign-ins allowed per client network (IPv4 address or IPv6 /64) per minute", positive)
          .bind("resets_per_account_per_hour", &S::resets_per_account_per_hour, "3",
                "Reset links mailed per account per hour; further requests get the same 202 and no mail", positive)
          .bind("resets_per_network_per_hour", &S::resets_per_network_per_hour, "20",
                "Reset requests allowed per client network per hour (429 past it, whatever the address)", positive)
          .bind("joins_per_network_per_hour", &S::joins_per_network_per_hour, "20",
                "Join attempts allowed per client network per hour (the 409 for a taken address must not become an "
                "oracle)",
                positive)
          .bind("email_changes_per_member_per_hour", &S::email_changes_per_member_per_hour, "5",
                "Email-change requests allowed per member per hour (429 past it), counted before the address is "
                "looked up",
                positive)
          .bind("email_changes_per_network_per_hour", &S::email_changes_per_network_per_hour, "20",
                "Email-change requests allowed per client network per hour (429 past it)", positive);
  return b;
}

}  // namespace

std::vector<ConfigKey> config_schema() { return binding().schema(); }

Settings read_settings(const Config& config, const Host& host) {
  Settings s = binding().read(config);
  if (s.link_base.empty()) s.link_base = host.public_url() + "/account";
  while (!s.link_base.empty() && s.link_base.back() == '/') s.link_base.pop_back();
  return s;
}

}  // namespace memberd::credentials
