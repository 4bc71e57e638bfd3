#include "mail/mail_transport.hpp"

#include <catch2/catch.hpp>

TEST_CASE("plugins may add mail headers, but not the host's own", "[mail]") {
  using memberd::is_allowed_extra_header;
  CHECK(is_allowed_extra_header("List-Unsubscribe"));
  CHECK(is_allowed_extra_header("List-Unsubscribe-Post"));
  CHECK_FALSE(is_allowed_extra_header("Bcc"));
  CHECK_FALSE(is_allowed_extra_header("subject"));
  CHECK_FALSE(is_allowed_extra_header("Content-Type"));
  CHECK_FALSE(is_allowed_extra_header("X-Bad: injected"));
  CHECK_FALSE(is_allowed_extra_header(""));
}
