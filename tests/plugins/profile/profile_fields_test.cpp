// The profile's field schema and the check of a member's submission: what
// each field type accepts, how it is stored, and the words a member reads
// when it is refused.
#include "profile_fields.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace memberd::profile;
using nlohmann::json;

namespace {

// For INFO: the tests feed in invalid UTF-8 on purpose, which plain dump() refuses.
std::string show(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

// The default schema is JSON-shaped flow YAML, so nlohmann reads it as the host would.
std::vector<FieldSpec> default_specs() { return read_field_specs(json::parse(kDefaultFieldsYaml)); }

FieldSpec spec(const std::string& name, FieldType type, bool required = false, std::size_t max_length = 100,
               std::vector<std::string> options = {}) {
  return FieldSpec{name, "Label of " + name, type, required, max_length, std::move(options)};
}

// The message for `field`, or "" when it has none.
std::string error_for(const ValidatedFields& result, const std::string& field) {
  for (const auto& [name, message] : result.errors)
    if (name == field) return message;
  return "";
}

// One field of `type`, given `value`: the stored value or the error.
ValidatedFields one(FieldType type, const json& value, std::size_t max_length = 100,
                    std::vector<std::string> options = {}) {
  return validate_fields({spec("f", type, false, max_length, std::move(options))}, json{{"f", value}});
}

std::string stored(FieldType type, const json& value, std::size_t max_length = 100) {
  auto result = one(type, value, max_length);
  INFO(show(value) << " -> " << error_for(result, "f"));
  REQUIRE(result.errors.empty());
  REQUIRE(result.fields.contains("f"));
  return result.fields["f"].get<std::string>();
}

std::string refused(FieldType type, const json& value, std::size_t max_length = 100,
                    std::vector<std::string> options = {}) {
  auto result = one(type, value, max_length, std::move(options));
  INFO(show(value) << " was accepted as " << show(result.fields));
  REQUIRE(result.errors.size() == 1);
  CHECK(result.fields.empty());
  return result.errors[0].second;
}

// A valid entry to change one thing in.
json entry(const std::string& name, const std::string& type) {
  return {{"name", name}, {"label", "A label"}, {"type", type}};
}

}  // namespace

TEST_CASE("The default schema passes the config check and reads as the marketplace profile", "[profile][fields]") {
  const json value = json::parse(kDefaultFieldsYaml);
  CHECK(check_field_specs(value) == std::nullopt);
  const auto specs = read_field_specs(value);
  REQUIRE(specs.size() == 11);
  CHECK(specs[0].name == "company_name");
  CHECK(specs[0].required);
  CHECK(specs[0].max_length == 128);
  CHECK(specs[3].name == "business_type");
  CHECK(specs[3].type == FieldType::select);
  CHECK(specs[3].options.size() == 8);
  CHECK(specs[3].options[4] == "Distributor/Wholesaler");
  CHECK(specs[4].max_length == 500);
  CHECK(specs[5].type == FieldType::country);
  CHECK(specs[5].max_length == 2);
  CHECK(specs[7].type == FieldType::phone);
  CHECK(specs[7].max_length == 32);
  CHECK(specs[9].type == FieldType::time_zone);
  CHECK(specs[10].max_length == 2000);
}

TEST_CASE("The schema as JSON lists every field with options only for select", "[profile][fields]") {
  const json schema = schema_json(default_specs());
  REQUIRE(schema["fields"].size() == 11);
  const json& company = schema["fields"][0];
  CHECK(company == json{{"name", "company_name"}, {"label", "Company name"}, {"type", "text"},
                        {"required", true}, {"max_length", 128}, {"options", json::array()}});
  CHECK(schema["fields"][3]["options"].size() == 8);
  CHECK(schema["fields"][9]["type"] == "time_zone");
}

TEST_CASE("The config check refuses a value that is not a usable list", "[profile][fields][config]") {
  CHECK(check_field_specs(json("company_name")).value_or("") == "expected a list of fields, got a string");
  CHECK(check_field_specs(json::object()).has_value());
  CHECK(check_field_specs(json::array()).has_value());
  json many = json::array();
  for (int i = 0; i < 101; ++i) many.push_back(entry("f" + std::to_string(i), "text"));
  CHECK(check_field_specs(many).value_or("").find("at most 100") != std::string::npos);
  many.erase(many.end() - 1);
  CHECK(check_field_specs(many) == std::nullopt);
  CHECK(check_field_specs(json::array({"company_name"})).value_or("").rfind("entry 1: ", 0) == 0);
}

TEST_CASE("The config check refuses a duplicate name and says which entry has it first", "[profile][fields][config]") {
  const json value = {entry("city", "text"), entry("phone", "phone"), entry("city", "text")};
  CHECK(check_field_specs(value).value_or("") == "entry 3 (city): the name is already used by entry 1");
}

TEST_CASE("The config check refuses an unknown type and names the entry", "[profile][fields][config]") {
  const json value = {entry("city", "text"), entry("mobile", "text"), entry("phone", "telephone")};
  CHECK(check_field_specs(value).value_or("") ==
        "entry 3 (phone): type \"telephone\" is not one of text, textarea, email, phone, url, country, select, "
        "time_zone");
}

TEST_CASE("The config check wants options on a select and only there", "[profile][fields][config]") {
  CHECK(check_field_specs(json{entry("kind", "select")}).value_or("").find("needs options") != std::string::npos);
  json empty = entry("kind", "select");
  empty["options"] = json::array();
  CHECK(check_field_specs(json{empty}).has_value());
  json twice = entry("kind", "select");
  twice["options"] = {"Agent", "Agent"};
  CHECK(check_field_specs(json{twice}).value_or("").find("listed twice") != std::string::npos);
  json blank = entry("kind", "select");
  blank["options"] = {"Agent", ""};
  CHECK(check_field_specs(json{blank}).value_or("").find("option 2 is empty") != std::string::npos);
  json boolean = entry("kind", "select");
  boolean["options"] = {true, false};  // YAML's unquoted Yes/No
  CHECK(check_field_specs(json{boolean}).value_or("").find("put it in quotes") != std::string::npos);
  json on_text = entry("city", "text");
  on_text["options"] = {"Beijing"};
  CHECK(check_field_specs(json{on_text}).value_or("").find("only for select") != std::string::npos);
  json good = entry("kind", "select");
  good["options"] = {"Agent", "Other"};
  CHECK(check_field_specs(json{good}) == std::nullopt);
}

TEST_CASE("The config check refuses unknown keys and wrong value kinds", "[profile][fields][config]") {
  json unknown = entry("city", "text");
  unknown["colour"] = "red";
  CHECK(check_field_specs(json{unknown}).value_or("").rfind("entry 1 (city): unknown key \"colour\"", 0) == 0);

  json bad_name = entry("City", "text");
  CHECK(check_field_specs(json{bad_name}).value_or("").rfind("entry 1: name \"City\"", 0) == 0);
  CHECK(check_field_specs(json{entry(std::string(41, 'a'), "text")}).has_value());
  CHECK(check_field_specs(json{entry(std::string(40, 'a'), "text")}) == std::nullopt);

  json no_label = entry("city", "text");
  no_label.erase("label");
  CHECK(check_field_specs(json{no_label}).value_or("").find("label is missing") != std::string::npos);
  json blank_label = entry("city", "text");
  blank_label["label"] = "  ";
  CHECK(check_field_specs(json{blank_label}).has_value());

  json required = entry("city", "text");
  required["required"] = "yes";
  CHECK(check_field_specs(json{required}).value_or("").find("true or false") != std::string::npos);

  for (const json& length : {json(0), json(10001), json(-1), json(12.5), json("64"), json(18446744073709551615ull)}) {
    json bad_length = entry("city", "text");
    bad_length["max_length"] = length;
    INFO(length.dump());
    CHECK(check_field_specs(json{bad_length}).has_value());
  }
  json good_length = entry("city", "text");
  good_length["max_length"] = 10000;
  CHECK(check_field_specs(json{good_length}) == std::nullopt);
  CHECK(read_field_specs(json{good_length})[0].max_length == 10000);
}

TEST_CASE("Absent max_length takes the default of its type", "[profile][fields][config]") {
  const json value = {entry("a", "text"),  entry("b", "textarea"), entry("c", "email"),
                      entry("d", "phone"), entry("e", "url"),      entry("f", "country"),
                      entry("g", "time_zone")};
  REQUIRE(check_field_specs(value) == std::nullopt);
  const auto specs = read_field_specs(value);
  CHECK(specs[0].max_length == 100);
  CHECK(specs[1].max_length == 2000);
  CHECK(specs[2].max_length == 254);
  CHECK(specs[3].max_length == 32);
  CHECK(specs[4].max_length == 2048);
  CHECK(specs[5].max_length == 2);
  CHECK(specs[6].max_length == 64);
  CHECK_FALSE(specs[0].required);
}

TEST_CASE("Text is trimmed and kept on one line", "[profile][fields][text]") {
  CHECK(stored(FieldType::text, "  Acme Trading Co. \t") == "Acme Trading Co.");
  CHECK(stored(FieldType::text, "\u3000深圳市华强电子有限公司\u00a0") == "深圳市华强电子有限公司");
  CHECK(refused(FieldType::text, "two\nlines") == "Keep this to one line.");
  CHECK(refused(FieldType::text, "tab\there").find("special characters") != std::string::npos);
  CHECK(refused(FieldType::text, std::string("nul\0x", 5)).find("special characters") != std::string::npos);
  CHECK(refused(FieldType::text, "bad \xff\xfe bytes").find("can't read") != std::string::npos);
  CHECK(refused(FieldType::text, "overlong \xc0\xaf").find("can't read") != std::string::npos);
  CHECK(refused(FieldType::text, "surrogate \xed\xa0\x80").find("can't read") != std::string::npos);
}

TEST_CASE("Length is counted in characters not bytes", "[profile][fields][text]") {
  CHECK(stored(FieldType::text, "中文中文中", 5) == "中文中文中");
  CHECK(refused(FieldType::text, "中文中文中文", 5) == "Use at most 5 characters.");
  CHECK(refused(FieldType::text, "ab", 1) == "Use at most 1 character.");
}

TEST_CASE("A textarea keeps line breaks and tabs and normalises CRLF", "[profile][fields][textarea]") {
  CHECK(stored(FieldType::textarea, "LED lights\r\nSolar panels\r\n\tand more\r\n\r\n") ==
        "LED lights\nSolar panels\n\tand more");
  CHECK(refused(FieldType::textarea, "bell\x07").find("special characters") != std::string::npos);
  CHECK(refused(FieldType::textarea, std::string(2001, 'x'), 2000) == "Use at most 2000 characters.");
}

TEST_CASE("An email address must be plausible and is stored as given", "[profile][fields][email]") {
  CHECK(stored(FieldType::email, " Li.Wei+sales@Example.com.cn ") == "Li.Wei+sales@Example.com.cn");
  CHECK(stored(FieldType::email, "info@例子.中国") == "info@例子.中国");
  const std::string message = "Enter an email address like name@example.com.";
  for (const char* bad : {"li.wei", "li@wei", "@example.com", "li@@example.com", "li@ex@ample.com", "li wei@example.com",
                          "li@example..com", "li@.example.com", "li@example.com.", "<li>@example.com"}) {
    INFO(bad);
    CHECK(refused(FieldType::email, bad) == message);
  }
  CHECK(stored(FieldType::email, std::string(64, 'a') + "@example.com", 254).size() == 76);
  CHECK(refused(FieldType::email, std::string(65, 'a') + "@example.com", 254) == message);
}

TEST_CASE("A phone number is stored in E.164 and needs its country code", "[profile][fields][phone]") {
  CHECK(stored(FieldType::phone, "+86 10 1234 5678") == "+861012345678");
  CHECK(stored(FieldType::phone, "+1 (650) 253-0000") == "+16502530000");
  CHECK(stored(FieldType::phone, "+49 30 123456") == "+4930123456");
  const std::string message = "Enter a phone number with its country code, like +86 10 1234 5678.";
  CHECK(refused(FieldType::phone, "010 1234 5678") == message);  // no country in this schema: ZZ
  CHECK(refused(FieldType::phone, "+86 123") == message);
  CHECK(refused(FieldType::phone, "call me") == message);
  CHECK(refused(FieldType::phone, "+1 650 253 0000 ext. 12").find("extension") != std::string::npos);
}

TEST_CASE("A phone number without its code is read in the member's country", "[profile][fields][phone]") {
  const std::vector<FieldSpec> specs = {spec("country", FieldType::country, false, 2),
                                        spec("phone", FieldType::phone, false, 32)};
  auto result = validate_fields(specs, json{{"country", "cn"}, {"phone", "010 1234 5678"}});
  CHECK(result.errors.empty());
  CHECK(result.fields == json{{"country", "CN"}, {"phone", "+861012345678"}});

  // A bad country gives no region: the number needs its code, and both are refused.
  result = validate_fields(specs, json{{"country", "YU"}, {"phone", "010 1234 5678"}});
  CHECK(result.errors.size() == 2);

  // A country field under another name does not count.
  const std::vector<FieldSpec> other = {spec("home", FieldType::country, false, 2),
                                        spec("phone", FieldType::phone, false, 32)};
  result = validate_fields(other, json{{"home", "CN"}, {"phone", "010 1234 5678"}});
  CHECK(error_for(result, "phone").find("country code") != std::string::npos);
}

// Issue 27: U+202E and its kin make text display in another order than it
// is stored ("https://example.com/\u202Egpj.exe" shows as "...exe.jpg").
TEST_CASE("Text direction controls are refused in every field, in words", "[profile][fields][bidi]") {
  for (const char* control : {"\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069"}) {
    for (FieldType type : {FieldType::text, FieldType::textarea, FieldType::url, FieldType::email}) {
      std::string value = type == FieldType::url     ? std::string("https://example.com/") + control + "gpj.exe"
                          : type == FieldType::email ? std::string("li") + control + "@example.com"
                                                     : std::string("Bright ") + control + "spmaL";
      INFO(value);
      CHECK(refused(type, value, 2048).find("change the direction of the text") != std::string::npos);
    }
  }
  // Right-to-left text itself is fine: only the invisible controls go.
  CHECK(stored(FieldType::text, "مصابيح مشرقة") == "مصابيح مشرقة");
  CHECK(stored(FieldType::text, "Lamps \u200F") == "Lamps \u200F");  // a right-to-left mark is not an override
}

TEST_CASE("A web address must be http or https with a plain host", "[profile][fields][url]") {
  CHECK(stored(FieldType::url, " https://www.example.com/products?id=7#top ", 2048) ==
        "https://www.example.com/products?id=7#top");
  CHECK(stored(FieldType::url, "HTTP://Example.com:8080", 2048) == "HTTP://Example.com:8080");
  CHECK(stored(FieldType::url, "https://例子.中国/", 2048) == "https://例子.中国/");
  const std::string message = "Enter a web address that starts with http:// or https://, like https://example.com.";
  for (const char* bad : {"javascript:alert(1)", "JavaScript://example.com/%0aalert(1)", "data:text/html,hi",
                          "ftp://example.com", "www.example.com", "https://", "https:///path",
                          "https://user:pw@example.com", "https://good.example\\@evil.example", "https://exa mple.com",
                          "https://example.com:0", "https://example.com:99999", "https://example.com:",
                          "https://ex_ample.com", "https://example..com", "https://<script>"}) {
    INFO(bad);
    CHECK(refused(FieldType::url, bad, 2048) == message);
  }
}

TEST_CASE("A country is an ISO code from ICU stored in upper case", "[profile][fields][country]") {
  CHECK(stored(FieldType::country, "CN", 2) == "CN");
  CHECK(stored(FieldType::country, "us", 2) == "US");
  CHECK(stored(FieldType::country, " De ", 2) == "DE");
  CHECK(stored(FieldType::country, "GB", 2) == "GB");
  const std::string message = "Choose a country or region from the list (a two-letter code like CN or US).";
  for (const char* bad : {"ZZ", "YU", "AN", "CS", "UK", "EA", "IC", "C1", "中国"}) {
    INFO(bad);
    CHECK(refused(FieldType::country, bad, 2) == message);
  }
  CHECK(refused(FieldType::country, "CHN", 2) == "Use at most 2 characters.");
}

TEST_CASE("A select takes exactly one of its options", "[profile][fields][select]") {
  const std::vector<std::string> options = {"Manufacturer", "Trading Company", "Other"};
  auto result = one(FieldType::select, " Trading Company ", 100, options);
  CHECK(result.errors.empty());
  CHECK(result.fields["f"] == "Trading Company");
  for (const char* bad : {"trading company", "Trading", "Manufacturer, Other"}) {
    INFO(bad);
    CHECK(refused(FieldType::select, bad, 100, options) == "Choose one of the options in the list.");
  }
}

TEST_CASE("A time zone is an IANA name that ICU knows", "[profile][fields][time_zone]") {
  CHECK(stored(FieldType::time_zone, "Asia/Shanghai", 64) == "Asia/Shanghai");
  CHECK(stored(FieldType::time_zone, "America/New_York", 64) == "America/New_York");
  CHECK(stored(FieldType::time_zone, "UTC", 64) == "UTC");
  CHECK(stored(FieldType::time_zone, "Etc/GMT+8", 64) == "Etc/GMT+8");
  const std::string message = "Choose a time zone from the list, like Asia/Shanghai.";
  for (const char* bad : {"Mars/Olympus", "../etc/passwd", "GMT+8", "GMT+08:00", "asia/shanghai", "Factory",
                          "Etc/Unknown", "Asia/Shanghai\\"}) {
    INFO(bad);
    CHECK(refused(FieldType::time_zone, bad, 64) == message);
  }
  // Empty is "not given", which an optional field may be.
  auto result = one(FieldType::time_zone, "", 64);
  CHECK(result.errors.empty());
  CHECK(result.fields.empty());
}

TEST_CASE("Empty and null values are not given and required ones are asked for", "[profile][fields]") {
  const std::vector<FieldSpec> specs = {spec("company_name", FieldType::text, true),
                                        spec("city", FieldType::text, false)};
  auto result = validate_fields(specs, json{{"company_name", " \n "}, {"city", nullptr}});
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0] == std::pair<std::string, std::string>{"company_name", "This field is required."});
  CHECK(result.fields.empty());

  result = validate_fields(specs, json::object());
  CHECK(error_for(result, "company_name") == "This field is required.");

  result = validate_fields(specs, json{{"company_name", "Acme"}, {"city", ""}});
  CHECK(result.errors.empty());
  CHECK(result.fields == json{{"company_name", "Acme"}});
}

TEST_CASE("Values that are not strings and fields not in the schema are refused", "[profile][fields]") {
  const std::vector<FieldSpec> specs = {spec("city", FieldType::text)};
  for (const json& value : {json(12), json(true), json::array({"a"}), json::object({{"a", "b"}}), json(1.5)}) {
    INFO(value.dump());
    auto result = validate_fields(specs, json{{"city", value}});
    CHECK(error_for(result, "city") == "Enter this as text.");
  }
  auto result = validate_fields(specs, json{{"city", "Ningbo"}, {"is_admin", "true"}});
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0] == std::pair<std::string, std::string>{"is_admin", "This field is not part of the profile."});
  CHECK(result.fields == json{{"city", "Ningbo"}});
}

TEST_CASE("A submission that is not an object gives one error and never throws", "[profile][fields]") {
  const auto specs = default_specs();
  for (const json& submitted : {json(nullptr), json("x"), json(3), json::array({json::object()}), json(false),
                                json::binary({1, 2, 3}), json(json::value_t::discarded)}) {
    INFO(submitted.type_name());
    ValidatedFields result;
    REQUIRE_NOTHROW(result = validate_fields(specs, submitted));
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].first == "fields");
    CHECK(result.fields.empty());
  }
  // Odd shapes inside the object are errors too, and the result can be sent as JSON.
  json odd = {{"company_name", json::binary({0})}, {std::string("\xff", 1), "x"}, {"about", json::array()}};
  ValidatedFields result;
  REQUIRE_NOTHROW(result = validate_fields(specs, odd));
  CHECK_FALSE(result.errors.empty());
  json report = json::array();
  for (const auto& [field, message] : result.errors) report.push_back({field, message});
  CHECK_NOTHROW(report.dump());
}

TEST_CASE("All errors come at once in schema order with unknown fields last", "[profile][fields]") {
  const auto specs = default_specs();
  const json submitted = {
      {"zzz_unknown", "x"},
      {"about", std::string(2001, 'a')},
      {"time_zone", "Mars/Olympus"},
      {"website", "javascript:alert(1)"},
      {"phone", "12345"},
      {"city", "Hangzhou"},
      {"country", "ZZ"},
      {"main_products", "Valves\r\nPumps"},
      {"business_type", "Pirate"},
      {"job_title", 42},
      {"company_name", "  Acme  "},
      {"aaa_unknown", "y"},
  };
  const auto result = validate_fields(specs, submitted);
  std::vector<std::string> order;
  for (const auto& [field, message] : result.errors) order.push_back(field);
  CHECK(order == std::vector<std::string>{"contact_name", "job_title", "business_type", "country", "phone", "website",
                                          "time_zone", "about", "aaa_unknown", "zzz_unknown"});
  CHECK(error_for(result, "contact_name") == "This field is required.");
  CHECK(error_for(result, "about") == "Use at most 2000 characters.");
  CHECK(error_for(result, "phone") == "Enter a phone number with its country code, like +86 10 1234 5678.");
  CHECK(result.fields == json{{"company_name", "Acme"}, {"city", "Hangzhou"}, {"main_products", "Valves\nPumps"}});
}

TEST_CASE("A full good submission is stored normalised", "[profile][fields]") {
  const json submitted = {
      {"company_name", "Ningbo Bright Lighting Co., Ltd."},
      {"contact_name", "Chen Jing"},
      {"business_type", "Manufacturer"},
      {"main_products", "LED panels\r\nStreet lights"},
      {"country", "cn"},
      {"city", "Ningbo"},
      {"phone", "0574 8765 4321"},
      {"website", "https://bright-lighting.example.cn"},
      {"time_zone", "Asia/Shanghai"},
      {"about", nullptr},
  };
  const auto result = validate_fields(default_specs(), submitted);
  CHECK(result.errors.empty());
  CHECK(result.fields["country"] == "CN");
  CHECK(result.fields["phone"] == "+8657487654321");
  CHECK(result.fields["main_products"] == "LED panels\nStreet lights");
  CHECK_FALSE(result.fields.contains("about"));
  CHECK_FALSE(result.fields.contains("job_title"));
}

TEST_CASE("Type names match the config words", "[profile][fields]") {
  CHECK(std::string(type_name(FieldType::time_zone)) == "time_zone");
  CHECK(std::string(type_name(FieldType::textarea)) == "textarea");
}
