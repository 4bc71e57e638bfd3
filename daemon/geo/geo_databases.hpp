#pragma once
// The host's Geo service (memberd/geo.hpp) on libmaxminddb.
//
// Each configured file is opened and checked before it serves: libmaxminddb
// checks the metadata when it opens a file, and a walk of the search tree
// decodes the data records it reaches, so a file whose records are broken
// (the shared test data has one with a malformed double) is refused at
// start, not found out by a member's sign-in. A replaced file is picked up
// by reload_changed(): the new one is opened and checked aside, then swapped
// in with one atomic store; lookups already running finish on the old one,
// which is closed when the last of them lets go.
#include <memberd/geo.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace memberd {

class LogSink;
class MetricsRegistry;

struct GeoFiles {
  std::string city_db;       // "" = none
  std::string anonymous_db;  // "" = none
};

class GeoDatabases final : public Geo {
 public:
  // Opens and checks both files. Throws std::runtime_error naming the key,
  // the file and what is wrong with it.
  GeoDatabases(GeoFiles files, LogSink& log, MetricsRegistry& metrics);
  ~GeoDatabases() override;

  GeoLocation locate(std::string_view ip) const override;

  // Reopens each file whose inode, size or modification time changed. A
  // replacement that does not open or fails the check is refused (logged,
  // counted in memberd_geo_reloads_total{outcome="refused"}) and the old one
  // keeps serving; it is tried again once it changes again.
  void reload_changed();

  struct Opened;  // one open file (geo_databases.cpp)

 private:
  class Slot;
  GeoFiles files_;
  LogSink& log_;
  MetricsRegistry& metrics_;
  std::unique_ptr<Slot> city_, anonymous_;
};

// "Unknown" places: private, loopback, link-local, CGNAT, multicast and
// reserved ranges, and the IPv6 ones (ULA, link-local, documentation), IPv4
// inside IPv6 judged as IPv4. False for text that is not an address.
bool is_public_address(std::string_view ip);

// What a member is shown (GeoLocation::label).
std::string geo_label(const GeoLocation& location);

}  // namespace memberd
