// The host's Geo service on MaxMind's real test databases (tests/data/geoip).
#include "geo/geo_databases.hpp"
#include "log/logger.hpp"
#include "metrics/registry.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <thread>

using namespace memberd;
namespace fs = std::filesystem;

namespace {

const std::string kData = MEMBERD_SOURCE_DIR "/tests/data/geoip/";
const std::string kCity = kData + "GeoIP2-City-Test.mmdb";
const std::string kAnonymous = kData + "GeoIP2-Anonymous-IP-Test.mmdb";

struct Fixture {
  std::FILE* out = std::tmpfile();
  LogSink log{LogLevel::info, LogFormat::text, out};
  MetricsRegistry metrics;
  std::string logged() const {
    std::fflush(out);
    std::rewind(out);
    std::string text;
    char buf[512];
    while (auto n = std::fread(buf, 1, sizeof buf, out)) text.append(buf, n);
    return text;
  }
};

// A file in a temp dir, replaced the way operators do: a new file renamed over.
struct TempFile {
  fs::path dir = fs::temp_directory_path() / ("memberd-geo-" + std::to_string(::getpid()) + "-" +
                                              std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  fs::path path = dir / "city.mmdb";
  explicit TempFile(const std::string& from) {
    fs::create_directories(dir);
    replace_with(from);
  }
  ~TempFile() { fs::remove_all(dir); }
  void replace_with(const std::string& from) {
    fs::copy_file(from, dir / "next.mmdb", fs::copy_options::overwrite_existing);
    fs::rename(dir / "next.mmdb", path);
  }
};

}  // namespace

TEST_CASE("the City database places an address with its city, country and time zone", "[geo]") {
  Fixture f;
  GeoDatabases geo({kCity, ""}, f.log, f.metrics);
  auto london = geo.locate("81.2.69.142");
  CHECK(london.country_code == "GB");
  CHECK(london.country == "United Kingdom");
  CHECK(london.city == "London");
  CHECK(london.time_zone == "Europe/London");
  CHECK_FALSE(london.anonymity.anonymous);
  CHECK(london.label == "London, United Kingdom");

  // IPv6: a network the database knows by country only.
  auto tokyo = geo.locate("2001:218::1");
  CHECK(tokyo.country_code == "JP");
  CHECK(tokyo.city.empty());
  CHECK(tokyo.time_zone == "Asia/Tokyo");
  CHECK(tokyo.label == "Japan");
}

TEST_CASE("the Anonymous IP database makes the label Anonymous Proxy", "[geo]") {
  Fixture f;
  GeoDatabases geo({kCity, kAnonymous}, f.log, f.metrics);
  auto vpn = geo.locate("1.124.213.1");
  CHECK(vpn.anonymity.anonymous);
  CHECK(vpn.anonymity.vpn);
  CHECK(vpn.anonymity.tor);
  CHECK_FALSE(vpn.anonymity.public_proxy);
  CHECK(vpn.label == "Anonymous Proxy");
  // The test data marks London's /24 as every kind of proxy at once: the
  // place is still known, the label says what a member must notice.
  auto london = geo.locate("81.2.69.142");
  CHECK(london.city == "London");
  CHECK(london.anonymity.public_proxy);
  CHECK(london.anonymity.residential_proxy);
  CHECK(london.label == "Anonymous Proxy");
  auto ipv6_proxy = geo.locate("abcd:1000::1");
  CHECK(ipv6_proxy.anonymity.public_proxy);
  CHECK(ipv6_proxy.label == "Anonymous Proxy");
}

TEST_CASE("private, reserved and unknown addresses and text that is no address are Unknown", "[geo]") {
  Fixture f;
  GeoDatabases geo({kCity, kAnonymous}, f.log, f.metrics);
  for (const char* ip : {"10.1.2.3", "192.168.0.7", "172.16.5.4", "127.0.0.1", "100.64.0.1", "169.254.1.1", "::1",
                         "fd00::1", "fe80::1", "2001:db8::1", "::ffff:10.0.0.1", "224.0.0.1", "8.8.8.8",
                         "not an address", "", "81.2.69.142/24", "1.124.213.1 "}) {
    INFO(ip);
    auto place = geo.locate(ip);
    CHECK(place.label == "Unknown");
    CHECK(place.country.empty());
    CHECK_FALSE(place.anonymity.anonymous);
  }
  CHECK(geo.locate("::ffff:81.2.69.142").city == "London");  // IPv4 inside IPv6 is the IPv4 address
  CHECK(is_public_address("81.2.69.142"));
  CHECK_FALSE(is_public_address("fc00::1"));
}

TEST_CASE("with no database every address is Unknown", "[geo]") {
  Fixture f;
  GeoDatabases geo({"", ""}, f.log, f.metrics);
  CHECK(geo.locate("81.2.69.142").label == "Unknown");
  CHECK(geo.locate("1.124.213.1").label == "Unknown");
  geo.reload_changed();  // nothing to reload, nothing to fail
}

TEST_CASE("the Country and GeoLite2 City layouts read the same way", "[geo]") {
  Fixture f;
  GeoDatabases country({kData + "GeoIP2-Country-Test.mmdb", ""}, f.log, f.metrics);
  auto place = country.locate("81.2.69.142");
  CHECK(place.country_code == "GB");
  CHECK(place.city.empty());
  CHECK(place.label == "United Kingdom");
  GeoDatabases lite({kData + "GeoLite2-City-Test.mmdb", ""}, f.log, f.metrics);
  CHECK(lite.locate("81.2.69.142").label == "London, United Kingdom");
}

TEST_CASE("a broken or missing database file is refused with the key, the file and the reason", "[geo]") {
  Fixture f;
  auto refusal = [&](GeoFiles files) {
    try {
      GeoDatabases geo(files, f.log, f.metrics);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  auto node_count = refusal({kData + "GeoIP2-City-Test-Invalid-Node-Count.mmdb", ""});
  CHECK(node_count.rfind("geo.city_db: " + kData + "GeoIP2-City-Test-Invalid-Node-Count.mmdb: ", 0) == 0);
  auto double_format = refusal({kData + "GeoIP2-City-Test-Broken-Double-Format.mmdb", ""});
  CHECK(double_format.rfind("geo.city_db: " + kData + "GeoIP2-City-Test-Broken-Double-Format.mmdb: ", 0) == 0);
  CHECK(double_format.find("broken") != std::string::npos);
  auto missing = refusal({"", kData + "no-such.mmdb"});
  CHECK(missing.rfind("geo.anonymous_db: ", 0) == 0);
  CHECK(missing.find("No such file") != std::string::npos);
  auto not_a_database = refusal({kData + "README.md", ""});
  CHECK(not_a_database.find("not a readable MaxMind DB file") != std::string::npos);
}

TEST_CASE("a replaced database file is reopened and a broken replacement is refused while the old one serves", "[geo]") {
  Fixture f;
  TempFile file(kData + "GeoIP2-Country-Test.mmdb");
  GeoDatabases geo({file.path.string(), ""}, f.log, f.metrics);
  CHECK(geo.locate("81.2.69.142").label == "United Kingdom");

  geo.reload_changed();  // unchanged: nothing happens
  CHECK(f.metrics.render().find("memberd_geo_reloads_total") == std::string::npos);

  file.replace_with(kCity);
  geo.reload_changed();
  CHECK(geo.locate("81.2.69.142").label == "London, United Kingdom");
  CHECK(f.metrics.render().find("memberd_geo_reloads_total{outcome=\"loaded\"} 1") != std::string::npos);

  file.replace_with(kData + "GeoIP2-City-Test-Broken-Double-Format.mmdb");
  geo.reload_changed();
  CHECK(geo.locate("81.2.69.142").label == "London, United Kingdom");
  CHECK(f.metrics.render().find("memberd_geo_reloads_total{outcome=\"refused\"} 1") != std::string::npos);
  CHECK(f.logged().find("replacement database refused") != std::string::npos);
  geo.reload_changed();  // the same broken file is not tried again
  CHECK(f.metrics.render().find("memberd_geo_reloads_total{outcome=\"refused\"} 1") != std::string::npos);

  fs::remove(file.path);  // gone: the open one keeps serving
  geo.reload_changed();
  CHECK(geo.locate("81.2.69.142").city == "London");
}

TEST_CASE("lookups run while the file is swapped under them", "[geo]") {
  Fixture f;
  TempFile file(kCity);
  GeoDatabases geo({file.path.string(), kAnonymous}, f.log, f.metrics);
  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0}, done{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i)
    readers.emplace_back([&] {
      while (!stop) {
        auto label = geo.locate("81.2.69.142").label;
        if (label != "Anonymous Proxy") ++wrong;
        ++done;
      }
    });
  for (int i = 0; i < 20; ++i) {
    file.replace_with(i % 2 ? kCity : kData + "GeoLite2-City-Test.mmdb");
    geo.reload_changed();
  }
  stop = true;
  for (auto& t : readers) t.join();
  CHECK(wrong == 0);
  CHECK(done > 0);
}
