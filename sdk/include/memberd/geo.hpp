#pragma once
// Where an IP address is (SDK 2.3): the host's GeoIP lookups.
//
// The host reads MaxMind DB files (`geo.city_db`: GeoLite2/GeoIP2 City or
// Country; `geo.anonymous_db`: GeoIP2 Anonymous IP) with libmaxminddb. It
// reopens a file that was replaced, without a restart; lookups in flight
// finish on the old one. The daemon never asks an outside service.
#include <string>
#include <string_view>

namespace memberd {

// What the Anonymous IP database says about an address. Frozen in SDK 2.x.
struct GeoAnonymity {
  bool anonymous = false;  // is_anonymous: any of the below, as MaxMind judges it
  bool vpn = false;        // is_anonymous_vpn
  bool tor = false;        // is_tor_exit_node
  bool public_proxy = false;
  bool hosting = false;    // is_hosting_provider
  bool residential_proxy = false;
};

// An address's place. Fields the databases do not know are empty. Frozen in
// SDK 2.x.
struct GeoLocation {
  std::string country_code;  // ISO 3166-1 alpha-2, "GB"
  std::string country;       // English name, "United Kingdom"
  std::string city;          // English name, "London"
  std::string time_zone;     // IANA name, "Europe/London"
  GeoAnonymity anonymity;
  // What a member is shown: "Anonymous Proxy" when the Anonymous IP database
  // marks the address is_anonymous (the City database's deprecated
  // is_anonymous_proxy trait is not used), else "City, Country" or
  // "Country", else "Unknown" (no database, a private or unknown address).
  std::string label;
};

class Geo {
 public:
  virtual ~Geo() = default;
  // Looks `ip` up ("81.2.69.142", "2001:db8::1"). Never fails: text that is
  // not an address, a private or reserved address, no database configured,
  // or a lookup error (logged once per database file) all give label
  // "Unknown" and empty fields. Thread-safe; takes microseconds, touches no
  // database connection.
  virtual GeoLocation locate(std::string_view ip) const = 0;
};

}  // namespace memberd
