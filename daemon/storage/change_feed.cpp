#include "storage/change_feed.hpp"

#include "log/logger.hpp"
#include "storage/database.hpp"
#include "storage/postgres_listener.hpp"
#include "util/crypto.hpp"

#include <soci/soci.h>

#include <stdexcept>
#include <set>
#include <vector>

namespace memberd {

namespace {
constexpr const char* kChannel = "memberd_changes";
constexpr long long kLeaderLock = 727276;

bool valid_topic(std::string_view topic) {
  if (topic.empty() || topic.size() > 120) return false;
  for (char c : topic)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) return false;
  return true;
}

bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > 200) return false;
  for (char c : key)
    if (c <= ' ' || c > '~') return false;
  return true;
}
}  // namespace

// On SQLite nothing else can change the file, so the feed is live from the start.
ChangeFeed::ChangeFeed(Backend backend, std::string url, LogSink& log, long long daemon_id)
    : backend_(backend), url_(std::move(url)), log_(log), daemon_id_(daemon_id), origin_(random_token(8)),
      live_(backend == Backend::sqlite), leading_(backend == Backend::sqlite) {}

ChangeFeed::~ChangeFeed() { stop(); }

void ChangeFeed::start() {
  if (backend_ != Backend::postgresql || listener_) return;
  PostgresListener::Callbacks callbacks;
  callbacks.notified = [this](std::string_view payload) { heard(payload); };
  // Whatever was cached before a gap may be stale: drop it all, then trust
  // the feed again.
  callbacks.listening = [this] {
    deliver_to_all("");
    live_.store(true, std::memory_order_release);
  };
  callbacks.lost = [this] {
    live_.store(false, std::memory_order_release);
    deliver_to_all("");
  };
  callbacks.leading = [this](bool leading) {
    leading_.store(leading, std::memory_order_release);
    log_.write(LogLevel::info, "storage",
               leading ? "this daemon runs the cluster's background work now"
                       : "this daemon no longer runs the cluster's background work",
               {});
  };
  listener_ = std::make_unique<PostgresListener>(postgres_url_to_keywords(url_), kChannel, kLeaderLock, daemon_id_,
                                                 std::move(callbacks), log_);
  if (!listener_->start())
    log_.write(LogLevel::warn, "storage",
               "cannot listen for other daemons' changes yet; caches are bypassed until it can", {});
}

void ChangeFeed::stop() {
  if (listener_) listener_->stop();
  listener_.reset();
  if (backend_ == Backend::postgresql) {
    live_.store(false, std::memory_order_release);
    leading_.store(false, std::memory_order_release);
  }
}

Result<void> ChangeFeed::announce(UnitOfWork& work, std::string_view topic, std::string_view key) {
  if (!valid_topic(topic)) throw std::invalid_argument("a change's topic is 1-120 of a-z 0-9 . _ -");
  if (!valid_key(key)) throw std::invalid_argument("a change's key is 1-200 printable ASCII characters");
  if (backend_ == Backend::postgresql) {
    auto sql = work.connection();
    if (!sql) return sql.failure();
    std::string channel(kChannel), payload = origin_ + ' ' + std::string(topic) + ' ' + std::string(key);
    // pg_notify returns void, which SOCI cannot read: count the one row.
    long long rows = 0;
    **sql << "SELECT count(*) FROM (SELECT pg_notify(:c, :p)) sent", soci::use(channel), soci::use(payload),
        soci::into(rows);
  }
  work.after_commit([this, topic = std::string(topic), key = std::string(key)] { deliver(topic, key); });
  return {};
}

std::uint64_t ChangeFeed::subscribe(std::string topic, Handler handler) {
  auto subscription = std::make_shared<Subscription>();
  subscription->topic = std::move(topic);
  subscription->handler = std::move(handler);
  std::lock_guard lock(handlers_mutex_);
  std::uint64_t id = next_id_++;
  handlers_.emplace(id, std::move(subscription));
  return id;
}

void ChangeFeed::unsubscribe(std::uint64_t id) {
  std::shared_ptr<Subscription> gone;
  {
    std::lock_guard lock(handlers_mutex_);
    auto found = handlers_.find(id);
    if (found == handlers_.end()) return;
    gone = std::move(found->second);
    handlers_.erase(found);
  }
  std::lock_guard wait(gone->running);
  gone->active = false;
}

void ChangeFeed::deliver(std::string_view topic, std::string_view key) {
  std::vector<std::shared_ptr<Subscription>> matching;
  {
    std::lock_guard lock(handlers_mutex_);
    for (const auto& [id, subscription] : handlers_)
      if (subscription->topic == topic) matching.push_back(subscription);
  }
  for (const auto& subscription : matching) {
    std::lock_guard running(subscription->running);
    if (!subscription->active) continue;  // unsubscribed meanwhile
    try {
      subscription->handler(key);
    } catch (const std::exception& e) {
      log_.write(LogLevel::error, "storage", "a change handler failed",
                 {{"topic", subscription->topic}, {"error", e.what()}});
    }
  }
}

void ChangeFeed::deliver_to_all(std::string_view key) {
  std::set<std::string> topics;
  {
    std::lock_guard lock(handlers_mutex_);
    for (const auto& [id, subscription] : handlers_) topics.insert(subscription->topic);
  }
  for (const auto& topic : topics) deliver(topic, key);
}

// "<origin> <topic> <key>"; anything malformed is not ours to act on. This
// daemon's own changes come back too and are delivered again: a COMMIT whose
// answer was lost (the connection dropped) ran no after-commit handlers,
// yet may have committed, and its echo is then the only word of it.
void ChangeFeed::heard(std::string_view payload) {
  auto first = payload.find(' ');
  if (first == std::string_view::npos) return;
  auto second = payload.find(' ', first + 1);
  if (second == std::string_view::npos) return;
  std::string_view topic = payload.substr(first + 1, second - first - 1), key = payload.substr(second + 1);
  if (!valid_topic(topic) || !valid_key(key)) return;
  if (payload.substr(0, first) != origin_) heard_.fetch_add(1, std::memory_order_relaxed);
  deliver(topic, key);
}

}  // namespace memberd
