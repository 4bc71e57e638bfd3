// The upload's multipart/form-data reading (RFC 7578) on its own.
#include "multipart_form.hpp"

#include <catch2/catch.hpp>

using namespace memberd::photo;

namespace {

std::string part(const std::string& boundary, const std::string& name, const std::string& content) {
  return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
         "\"; filename=\"x.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n";
}

}  // namespace

TEST_CASE("the photo part is found among others with its bytes untouched", "[photo][multipart]") {
  std::string bytes("\xFF\xD8\xFF\r\n--not-the-boundary\r\n\0tail", 30);
  std::string body = part("b1", "note", "hello") + part("b1", "photo", bytes) + "--b1--\r\n";
  auto field = multipart_field("multipart/form-data; boundary=b1", body, "photo");
  REQUIRE_FALSE(field.problem);
  CHECK(field.content == bytes);
}

TEST_CASE("a quoted boundary and a preamble are read", "[photo][multipart]") {
  std::string body = "This is a preamble.\r\n" + part("a b;c", "photo", "PIXELS") + "--a b;c--";
  CHECK(is_multipart_form("Multipart/Form-Data; charset=utf-8; boundary=\"a b;c\""));
  auto field = multipart_field("multipart/form-data; charset=utf-8; boundary=\"a b;c\"", body, "photo");
  REQUIRE_FALSE(field.problem);
  CHECK(field.content == "PIXELS");
}

TEST_CASE("bodies that do not follow their boundaries are refused", "[photo][multipart]") {
  CHECK(multipart_field("multipart/form-data", "--x\r\n\r\n", "photo").problem == MultipartProblem::no_boundary);
  CHECK(multipart_field("multipart/form-data; boundary=" + std::string(71, 'b'), "", "photo").problem ==
        MultipartProblem::no_boundary);
  CHECK(multipart_field("multipart/form-data; boundary=x", "no delimiter at all", "photo").problem ==
        MultipartProblem::malformed);
  // The part never ends: no closing delimiter after its content.
  CHECK(multipart_field("multipart/form-data; boundary=x",
                        "--x\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\nPIXELS", "photo")
            .problem == MultipartProblem::malformed);
  CHECK(multipart_field("multipart/form-data; boundary=x", part("x", "other", "1") + "--x--", "photo").problem ==
        MultipartProblem::missing_field);
  // More parts than an upload form has.
  std::string many;
  for (int i = 0; i < 20; ++i) many += part("x", "f" + std::to_string(i), "v");
  CHECK(multipart_field("multipart/form-data; boundary=x", many + part("x", "photo", "P") + "--x--", "photo").problem ==
        MultipartProblem::malformed);
  CHECK_FALSE(is_multipart_form("image/jpeg"));
}
