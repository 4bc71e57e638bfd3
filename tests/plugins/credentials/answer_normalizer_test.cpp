#include "answer_normalizer.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>

using memberd::credentials::normalize_answer;

TEST_CASE("answers: white space is trimmed and collapsed, case is folded", "[credentials]") {
  CHECK(normalize_answer(" Blue  Whale") == std::optional<std::string>("blue whale"));
  CHECK(normalize_answer("BLUE\tWHALE\n") == std::optional<std::string>("blue whale"));
  // No-break and ideographic spaces count as white space too.
  CHECK(normalize_answer("blue\xC2\xA0\xE3\x80\x80whale") == std::optional<std::string>("blue whale"));
  CHECK(normalize_answer("blue whale") == std::optional<std::string>("blue whale"));
}

TEST_CASE("answers: compatibility forms and full case folding", "[credentials]") {
  CHECK(normalize_answer("\xEF\xBC\xA2\xEF\xBD\x8C\xEF\xBD\x95\xEF\xBD\x85") ==  // full-width "Ｂｌｕｅ"
        std::optional<std::string>("blue"));
  CHECK(normalize_answer("Stra\xC3\x9F" "e") == std::optional<std::string>("strasse"));  // "Straße"
  // Precomposed and decomposed "é" are the same answer.
  CHECK(normalize_answer("Caf\xC3\xA9") == normalize_answer("Cafe\xCC\x81"));
  // Invisible characters a keyboard or a paste may add do not count.
  CHECK(normalize_answer("blue\xE2\x80\x8Bwhale") == normalize_answer("bluewhale"));  // zero-width space
}

TEST_CASE("answers: Turkish dotted and dotless i match plain i", "[credentials]") {
  const std::optional<std::string> expected = "istanbul";
  CHECK(normalize_answer("\xC4\xB0stanbul") == expected);  // "İstanbul"
  CHECK(normalize_answer("ISTANBUL") == expected);
  CHECK(normalize_answer("\xC4\xB1stanbul") == expected);  // "ıstanbul"
  CHECK(normalize_answer("istanbul") == expected);
  CHECK(normalize_answer("D\xC4\xB0YARBAKIR") == std::optional<std::string>("diyarbakir"));
  // After folding the i, an accent still composes as in the precomposed "í".
  CHECK(normalize_answer("\xC4\xB1\xCC\x81") == normalize_answer("\xC3\xAD"));
  CHECK(normalize_answer("\xC4\xB0\xCC\x81") == normalize_answer("\xC3\xAD"));
  // A dot above on other letters is kept.
  CHECK(normalize_answer("\xC5\xBC") == std::optional<std::string>("\xC5\xBC"));  // "ż"
}

TEST_CASE("answers: invalid UTF-8 fails, blank becomes empty", "[credentials]") {
  CHECK_FALSE(normalize_answer("blue\xFFwhale").has_value());
  CHECK_FALSE(normalize_answer("\xC0\xAF").has_value());      // overlong '/'
  CHECK_FALSE(normalize_answer("\xED\xA0\x80").has_value());  // an encoded surrogate
  CHECK_FALSE(normalize_answer("abc\xE2\x82").has_value());   // cut short
  CHECK(normalize_answer("") == std::optional<std::string>(""));
  CHECK(normalize_answer(" \t\r\n\xC2\xA0 ") == std::optional<std::string>(""));
}
