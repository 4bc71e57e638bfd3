// What a plugin's view of the host adds to the shared services
// (plugin_host/plugin_mail.hpp, plugin_host/plugin_reviews.hpp): a send's
// batch is named after the plugin, templates are its own, and it reaches
// only its own review kinds.
#include "mail/mail_templates.hpp"
#include "no_unit.hpp"
#include "plugin_host/plugin_mail.hpp"
#include "plugin_host/plugin_reviews.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

using namespace memberd;
using memberd::test::NoUnit;

namespace {

// Records what reached the host's outbox.
class RecordingOutbox final : public Mail {
 public:
  Result<void> enqueue(UnitOfWork&, const MailMessage& message) override {
    subjects.push_back(message.subject);
    return {};
  }
  Result<void> enqueue_in_batch(UnitOfWork& work, const MailMessage& message, std::string_view batch) override {
    last_batch = std::string(batch);
    return enqueue(work, message);
  }
  Result<void> enqueue_template(UnitOfWork&, std::string_view, std::string_view, const PlaceholderValues&) override {
    throw std::logic_error("the host's own outbox has no templates");
  }
  std::string last_batch;
  std::vector<std::string> subjects;
};

// Records what reached the host's queue.
class CountingReviews final : public Reviews {
 public:
  Result<ReviewReceipt> submit(UnitOfWork&, std::string_view kind, std::string_view, const nlohmann::json&,
                               const nlohmann::json&, std::chrono::seconds) override {
    kinds.emplace_back(kind);
    return ReviewReceipt{};
  }
  Result<std::optional<ReviewRevision>> pending(UnitOfWork&, std::string_view kind, std::string_view) override {
    kinds.emplace_back(kind);
    return std::optional<ReviewRevision>{};
  }
  Result<std::optional<ReviewRevision>> last_decision(UnitOfWork&, std::string_view kind, std::string_view) override {
    kinds.emplace_back(kind);
    return std::optional<ReviewRevision>{};
  }
  Result<bool> withdraw(UnitOfWork&, std::string_view kind, std::string_view) override {
    kinds.emplace_back(kind);
    return true;
  }
  std::vector<std::string> kinds;
};

}  // namespace

TEST_CASE("a plugin's sends are batched under its name, from its own templates", "[plugin_host][mail]") {
  NoUnit unit;
  RecordingOutbox outbox;
  MailTemplates templates;
  templates.add({EmbeddedFile{"motto-rejected.txt", "Subject: Your motto was not published\n\nHello {{email}}.\n"}}, {});
  PluginMail mail(outbox, "photo", templates);
  CHECK(mail.enqueue_in_batch(unit, MailMessage{"a@example.com", "s", "t"}, "send-7").ok());
  CHECK(outbox.last_batch == "photo:send-7");
  // A malformed batch is a bug.
  CHECK_THROWS_AS(mail.enqueue_in_batch(unit, MailMessage{}, "a b"), std::invalid_argument);
  CHECK_THROWS_AS(mail.enqueue_in_batch(unit, MailMessage{}, ""), std::invalid_argument);
  CHECK_THROWS_AS(mail.enqueue_in_batch(unit, MailMessage{}, std::string(65, 'a')), std::invalid_argument);
  // A template of its own renders; one it never added is a bug.
  CHECK(mail.enqueue_template(unit, "a@example.com", "motto-rejected", {{"email", "a@example.com"}}).ok());
  CHECK(outbox.subjects.back() == "Your motto was not published");
  CHECK_THROWS_AS(mail.enqueue_template(unit, "a@example.com", "welcome", {}), std::logic_error);
}

TEST_CASE("a plugin reaches only its own kinds in the review queue", "[plugin_host][reviews][security]") {
  NoUnit unit;
  CountingReviews inner;
  PluginReviews reviews(inner, "photo");
  nlohmann::json fields = nlohmann::json::object();
  CHECK(reviews.submit(unit, "photo", "m", fields, nullptr, std::chrono::hours(24)).ok());
  CHECK(reviews.submit(unit, "photo.cover", "m", fields, nullptr, std::chrono::hours(24)).ok());
  CHECK(reviews.pending(unit, "photo", "m").ok());
  // Another plugin's kind, or one that only starts like ours, is a bug.
  CHECK_THROWS_AS(reviews.submit(unit, "profile", "m", fields, nullptr, std::chrono::hours(24)), std::logic_error);
  CHECK_THROWS_AS(reviews.submit(unit, "photos", "m", fields, nullptr, std::chrono::hours(24)), std::logic_error);
  CHECK_THROWS_AS(reviews.last_decision(unit, "profile", "m"), std::logic_error);
  CHECK_THROWS_AS(reviews.pending(unit, "photo.", "m"), std::logic_error);
  CHECK(reviews.withdraw(unit, "photo", "m").ok());
  CHECK_THROWS_AS(reviews.withdraw(unit, "profile", "m"), std::logic_error);
  CHECK(inner.kinds == std::vector<std::string>{"photo", "photo.cover", "photo", "photo"});
}
