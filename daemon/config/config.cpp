#include "config/config.hpp"

namespace memberd {

std::string public_base_url(const HttpConfig& http) {
  if (!http.public_url.empty()) {
    std::string url = http.public_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
  }
  if (!http.listen) return {};
  HostPort address = *http.listen;
  // A link to 0.0.0.0 leads nowhere; set http.public_url for real deployments.
  if (address.host == "0.0.0.0" || address.host == "::") address.host = "localhost";
  return (http.tls.enabled() ? "https://" : "http://") + format_host_port(address);
}

}  // namespace memberd
