// memberd's cookies under __Host-/__Secure- over HTTPS (daemon/transport/cookie_prefixes.hpp).
#include "transport/cookie_prefixes.hpp"

#include <catch2/catch.hpp>

using memberd::cookies_without_prefixes;
using memberd::prefixed_set_cookie;

// Issue 27: over TLS the session cookie was plain `memberd_session`, which a
// sibling subdomain or a plain-HTTP attacker could plant (session fixation).
TEST_CASE("memberd's secure cookies go out prefixed and come back under their plain names", "[transport][security]") {
  CHECK(prefixed_set_cookie("memberd_session=t; Path=/; SameSite=Strict; Secure; HttpOnly") ==
        "__Host-memberd_session=t; Path=/; SameSite=Strict; Secure; HttpOnly");
  CHECK(prefixed_set_cookie("memberd_csrf=c; Path=/; SameSite=Strict; Secure") ==
        "__Host-memberd_csrf=c; Path=/; SameSite=Strict; Secure");
  // Not on Path=/: only __Secure- is allowed.
  CHECK(prefixed_set_cookie("memberd_device=d; Path=/api/v1; SameSite=Strict; HttpOnly; Max-Age=9; Secure") ==
        "__Secure-memberd_device=d; Path=/api/v1; SameSite=Strict; HttpOnly; Max-Age=9; Secure");
  // Without Secure a browser would drop a prefixed cookie; others' cookies are theirs.
  CHECK(prefixed_set_cookie("memberd_session=t; Path=/") == "memberd_session=t; Path=/");
  CHECK(prefixed_set_cookie("memberd_session=t; Path=/; SecureX") == "memberd_session=t; Path=/; SecureX");
  CHECK(prefixed_set_cookie("theme=dark; Path=/; Secure") == "theme=dark; Path=/; Secure");

  CHECK(cookies_without_prefixes("__Host-memberd_session=t; __Host-memberd_csrf=c; __Secure-memberd_device=d") ==
        "memberd_session=t; memberd_csrf=c; memberd_device=d");
  // A plain memberd_ cookie over HTTPS was planted: left out; other cookies stay.
  CHECK(cookies_without_prefixes("memberd_session=planted; theme=dark; __Host-memberd_session=t") ==
        "theme=dark; memberd_session=t");
  CHECK(cookies_without_prefixes("memberd_session=planted").empty());
  CHECK(cookies_without_prefixes("__Host-other=x") == "__Host-other=x");
}
