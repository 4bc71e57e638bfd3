#pragma once
// memberd's own cookies (memberd_session, memberd_csrf, memberd_device) under
// the browser's cookie prefixes when they travel over HTTPS (RFC 6265bis
// 4.1.3): `__Host-` for those on Path=/, `__Secure-` for the device cookie
// (Path=/api/v1). A browser keeps a `__Host-` cookie only from a secure
// origin, for this host alone, on Path=/: a sibling subdomain or a
// plain-HTTP man in the middle cannot plant a session (fixation) or a CSRF
// cookie of its choosing beside ours.
//
// The handlers and plugins never see the prefixes: the SDK's cookie helpers
// write the plain names, the transport renames them on the way out, and
// strips the prefixes on the way in (dropping the plain names, which over
// HTTPS anyone could have planted). The pages' scripts read the prefixed
// name first (console/kit.js).
#include <optional>
#include <string>
#include <string_view>

namespace memberd {

// A Set-Cookie value with memberd's cookie renamed: "memberd_session=x;
// Path=/; ...; Secure" -> "__Host-memberd_session=x; ...". Only a cookie
// that carries Secure is renamed (a browser refuses a prefixed one without
// it); anything else is returned as it is.
std::string prefixed_set_cookie(std::string value);

// A Cookie request header as the handlers should see it for a request over
// HTTPS: "__Host-memberd_session=x" becomes "memberd_session=x", a plain
// memberd_ cookie is left out, every other cookie stays.
std::string cookies_without_prefixes(std::string_view header);

}  // namespace memberd
