#include "geo/geo_databases.hpp"

#include "log/logger.hpp"
#include "metrics/registry.hpp"

#include <arpa/inet.h>
#include <maxminddb.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <vector>

namespace memberd {

namespace {

// How a file is told apart from its replacement.
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  long long mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};

std::optional<FileIdentity> identity_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileIdentity{st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec};
}

// Enough to reach every record of a small database and thousands of a large
// one, in well under a second.
constexpr std::size_t kNodesToWalk = 200000;
constexpr std::size_t kRecordsToDecode = 5000;

}  // namespace

// One open file. Closed when the last lookup holding it lets go.
struct GeoDatabases::Opened {
  MMDB_s mmdb{};
  FileIdentity identity;
  std::string path;
  mutable std::atomic<bool> lookup_error_logged{false};

  ~Opened() { MMDB_close(&mmdb); }

  // Throws std::runtime_error with what is wrong with the file.
  static std::shared_ptr<const Opened> open(const std::string& path) {
    auto identity = identity_of(path);
    if (!identity) throw std::runtime_error(path + ": " + std::strerror(errno));
    auto opened = std::make_shared<Opened>();
    opened->path = path;
    opened->identity = *identity;
    if (int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &opened->mmdb); status != MMDB_SUCCESS) {
      // MMDB_open leaves nothing to close on failure; make the destructor's
      // MMDB_close a no-op.
      std::memset(&opened->mmdb, 0, sizeof opened->mmdb);
      throw std::runtime_error(path + ": not a readable MaxMind DB file (" + MMDB_strerror(status) + ")");
    }
    opened->check();
    return opened;
  }

  // Walks the search tree and decodes the data records it reaches.
  void check() const {
    std::vector<std::uint32_t> stack{0};
    std::set<std::uint32_t> decoded;
    std::size_t walked = 0;
    while (!stack.empty() && walked < kNodesToWalk && decoded.size() < kRecordsToDecode) {
      std::uint32_t node_number = stack.back();
      stack.pop_back();
      ++walked;
      MMDB_search_node_s node{};
      if (int status = MMDB_read_node(&mmdb, node_number, &node); status != MMDB_SUCCESS)
        throw std::runtime_error(path + ": broken search tree at node " + std::to_string(node_number) + " (" +
                                 MMDB_strerror(status) + ")");
      auto follow = [&](std::uint64_t record, std::uint8_t type, MMDB_entry_s entry) {
        switch (type) {
          case MMDB_RECORD_TYPE_SEARCH_NODE: stack.push_back(static_cast<std::uint32_t>(record)); break;
          case MMDB_RECORD_TYPE_DATA: {
            if (!decoded.insert(entry.offset).second) break;
            MMDB_entry_data_list_s* list = nullptr;
            int status = MMDB_get_entry_data_list(&entry, &list);
            MMDB_free_entry_data_list(list);
            if (status != MMDB_SUCCESS)
              throw std::runtime_error(path + ": broken data record (" + std::string(MMDB_strerror(status)) + ")");
            break;
          }
          case MMDB_RECORD_TYPE_EMPTY: break;
          default: throw std::runtime_error(path + ": a search tree record points outside the file");
        }
      };
      follow(node.right_record, node.right_record_type, node.right_record_entry);
      follow(node.left_record, node.left_record_type, node.left_record_entry);
    }
  }

  // The entry for `ip`, or nullopt (not in the file, or a lookup error —
  // logged once for this file).
  std::optional<MMDB_entry_s> find(const std::string& ip, LogSink& log) const {
    int gai_error = 0, mmdb_error = MMDB_SUCCESS;
    MMDB_lookup_result_s result = MMDB_lookup_string(&mmdb, ip.c_str(), &gai_error, &mmdb_error);
    if (gai_error != 0) return std::nullopt;  // not an address: the caller's text
    if (mmdb_error != MMDB_SUCCESS) {
      if (!lookup_error_logged.exchange(true))
        log.write(LogLevel::error, "geo", "lookup failed; addresses it holds show as Unknown",
                  {{"file", path}, {"error", MMDB_strerror(mmdb_error)}});
      return std::nullopt;
    }
    if (!result.found_entry) return std::nullopt;
    return result.entry;
  }
};

// One configured file: what serves now, and the last file tried.
class GeoDatabases::Slot {
 public:
  Slot(std::string key, std::string path) : key_(std::move(key)), path_(std::move(path)) {
    if (path_.empty()) return;
    try {
      auto opened = Opened::open(path_);
      tried_ = opened->identity;
      current_.store(std::move(opened));
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(key_ + ": " + e.what());
    }
  }

  std::shared_ptr<const Opened> current() const { return current_.load(); }

  void reload_if_changed(LogSink& log, MetricsRegistry& metrics) {
    if (path_.empty()) return;
    std::lock_guard lock(reload_mutex_);
    auto now = identity_of(path_);
    if (!now || (tried_ && *now == *tried_)) return;  // gone (keep serving the old one) or unchanged
    tried_ = now;
    try {
      current_.store(Opened::open(path_));
      metrics.counter("memberd_geo_reloads_total", "GeoIP database files reopened", {{"outcome", "loaded"}}).inc();
      log.write(LogLevel::info, "geo", "database file reopened", {{"key", key_}, {"file", path_}});
    } catch (const std::runtime_error& e) {
      metrics.counter("memberd_geo_reloads_total", "GeoIP database files reopened", {{"outcome", "refused"}}).inc();
      log.write(LogLevel::error, "geo", "replacement database refused; the previous one keeps serving",
                {{"key", key_}, {"error", e.what()}});
    }
  }

 private:
  const std::string key_, path_;
  std::atomic<std::shared_ptr<const Opened>> current_;
  std::mutex reload_mutex_;
  std::optional<FileIdentity> tried_;
};

namespace {

std::string string_at(MMDB_entry_s entry, std::initializer_list<const char*> path) {
  std::vector<const char*> keys(path);
  keys.push_back(nullptr);
  MMDB_entry_data_s data{};
  if (MMDB_aget_value(&entry, &data, keys.data()) != MMDB_SUCCESS || !data.has_data ||
      data.type != MMDB_DATA_TYPE_UTF8_STRING)
    return {};
  return std::string(data.utf8_string, data.data_size);
}

bool flag_at(MMDB_entry_s entry, const char* key) {
  const char* keys[] = {key, nullptr};
  MMDB_entry_data_s data{};
  return MMDB_aget_value(&entry, &data, keys) == MMDB_SUCCESS && data.has_data &&
         data.type == MMDB_DATA_TYPE_BOOLEAN && data.boolean;
}

bool in_v4(std::uint32_t a, std::uint32_t network, int bits) {
  std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (a & mask) == (network & mask);
}

bool public_v4(const unsigned char* b) {
  std::uint32_t a = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
  static constexpr struct {
    std::uint32_t network;
    int bits;
  } kNotPublic[] = {
      {0x00000000, 8},  {0x0a000000, 8},  {0x64400000, 10}, {0x7f000000, 8},  {0xa9fe0000, 16},
      {0xac100000, 12}, {0xc0000000, 24}, {0xc0000200, 24}, {0xc0a80000, 16}, {0xc6120000, 15},
      {0xc6336400, 24}, {0xcb007100, 24}, {0xe0000000, 3},  // multicast, reserved and broadcast
  };
  for (const auto& range : kNotPublic)
    if (in_v4(a, range.network, range.bits)) return false;
  return true;
}

}  // namespace

bool is_public_address(std::string_view ip) {
  std::string text(ip);
  unsigned char b[16];
  if (inet_pton(AF_INET, text.c_str(), b) == 1) return public_v4(b);
  if (inet_pton(AF_INET6, text.c_str(), b) != 1) return false;
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(b, kMapped, 12) == 0) return public_v4(b + 12);
  bool zero_prefix = std::all_of(b, b + 15, [](unsigned char c) { return c == 0; });
  if (zero_prefix) return false;                          // :: and ::1
  if ((b[0] & 0xfe) == 0xfc) return false;                // fc00::/7, unique local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return false;  // fe80::/10, link-local
  if (b[0] == 0xff) return false;                         // multicast
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return false;  // 2001:db8::/32, documentation
  return true;
}

std::string geo_label(const GeoLocation& location) {
  if (location.anonymity.anonymous) return "Anonymous Proxy";
  if (!location.city.empty() && !location.country.empty()) return location.city + ", " + location.country;
  if (!location.country.empty()) return location.country;
  return "Unknown";
}

GeoDatabases::GeoDatabases(GeoFiles files, LogSink& log, MetricsRegistry& metrics)
    : files_(std::move(files)), log_(log), metrics_(metrics) {
  city_ = std::make_unique<Slot>("geo.city_db", files_.city_db);
  anonymous_ = std::make_unique<Slot>("geo.anonymous_db", files_.anonymous_db);
}

GeoDatabases::~GeoDatabases() = default;

GeoLocation GeoDatabases::locate(std::string_view ip) const {
  GeoLocation location;
  if (is_public_address(ip)) {
    std::string text(ip);
    if (auto city = city_->current())
      if (auto entry = city->find(text, log_)) {
        location.country_code = string_at(*entry, {"country", "iso_code"});
        location.country = string_at(*entry, {"country", "names", "en"});
        location.city = string_at(*entry, {"city", "names", "en"});
        location.time_zone = string_at(*entry, {"location", "time_zone"});
      }
    if (auto anonymous = anonymous_->current())
      if (auto entry = anonymous->find(text, log_)) {
        auto& a = location.anonymity;
        a.anonymous = flag_at(*entry, "is_anonymous");
        a.vpn = flag_at(*entry, "is_anonymous_vpn");
        a.tor = flag_at(*entry, "is_tor_exit_node");
        a.public_proxy = flag_at(*entry, "is_public_proxy");
        a.hosting = flag_at(*entry, "is_hosting_provider");
        a.residential_proxy = flag_at(*entry, "is_residential_proxy");
      }
  }
  location.label = geo_label(location);
  return location;
}

void GeoDatabases::reload_changed() {
  city_->reload_if_changed(log_, metrics_);
  anonymous_->reload_if_changed(log_, metrics_);
}

}  // namespace memberd
