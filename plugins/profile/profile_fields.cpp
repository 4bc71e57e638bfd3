#include "profile_fields.hpp"

#include <phonenumbers/phonenumberutil.h>
#include <unicode/locid.h>
#include <unicode/timezone.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <set>
#include <string_view>

namespace memberd::profile {

const char* const kDefaultFieldsYaml =
    "["
    "{\"name\": \"company_name\", \"label\": \"Company name\", \"type\": \"text\", \"required\": true, "
    "\"max_length\": 128}, "
    "{\"name\": \"contact_name\", \"label\": \"Contact name\", \"type\": \"text\", \"required\": true, "
    "\"max_length\": 100}, "
    "{\"name\": \"job_title\", \"label\": \"Job title\", \"type\": \"text\", \"max_length\": 100}, "
    "{\"name\": \"business_type\", \"label\": \"Business type\", \"type\": \"select\", \"required\": true, "
    "\"options\": [\"Manufacturer\", \"Trading Company\", \"Buying Office\", \"Agent\", "
    "\"Distributor/Wholesaler\", \"Government or Association\", \"Business Service\", \"Other\"]}, "
    "{\"name\": \"main_products\", \"label\": \"Main products\", \"type\": \"textarea\", \"max_length\": 500}, "
    "{\"name\": \"country\", \"label\": \"Country or region\", \"type\": \"country\", \"required\": true}, "
    "{\"name\": \"city\", \"label\": \"City\", \"type\": \"text\", \"max_length\": 64}, "
    "{\"name\": \"phone\", \"label\": \"Phone\", \"type\": \"phone\"}, "
    "{\"name\": \"website\", \"label\": \"Website\", \"type\": \"url\"}, "
    "{\"name\": \"time_zone\", \"label\": \"Time zone\", \"type\": \"time_zone\"}, "
    "{\"name\": \"about\", \"label\": \"About your company\", \"type\": \"textarea\", \"max_length\": 2000}"
    "]";

namespace {

using nlohmann::json;

constexpr std::size_t kMaxFields = 100;
constexpr std::size_t kMaxOptions = 1000;
constexpr std::int64_t kMaxLengthLimit = 10000;

constexpr std::array<FieldType, 8> kAllTypes = {FieldType::text,    FieldType::textarea, FieldType::email,
                                                FieldType::phone,   FieldType::url,      FieldType::country,
                                                FieldType::select,  FieldType::time_zone};

std::size_t default_max_length(FieldType type) {
  switch (type) {
    case FieldType::text: return 100;
    case FieldType::textarea: return 2000;
    case FieldType::email: return 254;
    case FieldType::phone: return 32;
    case FieldType::url: return 2048;
    case FieldType::country: return 2;
    case FieldType::select: return 100;
    case FieldType::time_zone: return 64;
  }
  return 100;
}

std::optional<FieldType> type_from_name(const std::string& name) {
  for (FieldType type : kAllTypes)
    if (name == type_name(type)) return type;
  return std::nullopt;
}

std::string all_type_names() {
  std::string out;
  for (FieldType type : kAllTypes) {
    if (!out.empty()) out += ", ";
    out += type_name(type);
  }
  return out;
}

// --- UTF-8 -----------------------------------------------------------------

// Strict decoding: overlong forms, surrogates and values past U+10FFFF are
// refused, so what we store is what every client will display.
std::optional<std::u32string> decode_utf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    char32_t cp;
    std::size_t extra;
    if (byte < 0x80) {
      cp = byte;
      extra = 0;
    } else if (byte >= 0xC2 && byte <= 0xDF) {
      cp = byte & 0x1F;
      extra = 1;
    } else if (byte >= 0xE0 && byte <= 0xEF) {
      cp = byte & 0x0F;
      extra = 2;
    } else if (byte >= 0xF0 && byte <= 0xF4) {
      cp = byte & 0x07;
      extra = 3;
    } else {
      return std::nullopt;
    }
    if (i + extra >= text.size() && extra > 0) return std::nullopt;  // cut short
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (next & 0x3F);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return std::nullopt;
    out.push_back(cp);
    i += extra + 1;
  }
  return out;
}

std::string encode_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t cp : text) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

bool valid_utf8(std::string_view text) { return decode_utf8(text).has_value(); }

// Unicode's White_Space property (a fixed list: it has not changed in years).
bool is_space(char32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

bool is_control(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

// The bidirectional embeddings, overrides and isolates (U+202A-U+202E,
// U+2066-U+2069): invisible, they make text display in another order than
// it is stored ("moc.elpmaxe" shown as "example.com"), in the profile, the
// console and every mail that quotes it (issue 27).
bool is_bidi_control(char32_t cp) { return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069); }

std::u32string_view trim(std::u32string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool has_space(std::u32string_view text) { return std::any_of(text.begin(), text.end(), is_space); }

bool is_ascii_alnum(char32_t cp) { return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'); }

char32_t ascii_lower(char32_t cp) { return (cp >= 'A' && cp <= 'Z') ? cp - 'A' + 'a' : cp; }

// A letter, mark or digit of any script: what an internationalised domain name is made of.
bool is_idn_char(char32_t cp) {
  if (cp < 0x80) return is_ascii_alnum(cp);
  const auto mask = U_GET_GC_MASK(static_cast<UChar32>(cp));
  return (mask & (U_GC_L_MASK | U_GC_M_MASK | U_GC_ND_MASK)) != 0;
}

// Dot-separated labels of letters/digits/hyphens (any script), none empty.
bool is_host_name(std::u32string_view host) {
  if (host.empty() || host.front() == '.' || host.back() == '.') return false;
  char32_t previous = 0;
  for (char32_t cp : host) {
    if (cp == '.' && previous == '.') return false;
    if (cp != '.' && cp != '-' && !is_idn_char(cp)) return false;
    previous = cp;
  }
  return true;
}

std::string characters(std::size_t n) {
  return "Use at most " + std::to_string(n) + (n == 1 ? " character." : " characters.");
}

// --- the typed checks ------------------------------------------------------

const std::set<std::string>& country_codes() {
  // ICU 72 lists 253 codes: the 249 ISO 3166-1 countries plus XK (Kosovo,
  // user-assigned but used by the EU and by libphonenumber) and DG, EA, IC,
  // which ISO only reserves (Diego Garcia, Ceuta and Melilla, the Canary
  // Islands belong to IO and ES). Deprecated codes (YU, AN, CS...) are not
  // in the list. We drop the three reserved ones: they are not countries a
  // member could pick elsewhere.
  static const std::set<std::string> codes = [] {
    std::set<std::string> out;
    for (const char* const* code = icu::Locale::getISOCountries(); code && *code; ++code) out.insert(*code);
    for (const char* reserved : {"DG", "EA", "IC"}) out.erase(reserved);
    return out;
  }();
  return codes;
}

// "cn" -> "CN" when it is a country we know.
std::optional<std::string> normalise_country(std::u32string_view text) {
  if (text.size() != 2) return std::nullopt;
  std::string code;
  for (char32_t cp : text) {
    if (cp >= 'a' && cp <= 'z') cp = cp - 'a' + 'A';
    if (cp < 'A' || cp > 'Z') return std::nullopt;
    code.push_back(static_cast<char>(cp));
  }
  if (!country_codes().count(code)) return std::nullopt;
  return code;
}

bool plausible_email(std::u32string_view text) {
  if (has_space(text)) return false;
  const auto at = text.find(U'@');
  if (at == std::u32string_view::npos || text.find(U'@', at + 1) != std::u32string_view::npos) return false;
  const auto local = text.substr(0, at);
  const auto domain = text.substr(at + 1);
  // The RFC's 64 is in octets.
  if (local.empty() || encode_utf8(local).size() > 64) return false;
  // Characters that would need quoting in a mail header: no one types them by choice.
  const std::u32string_view header_specials = U"<>()[]\\,;:\"";
  for (char32_t cp : local)
    if (header_specials.find(cp) != std::u32string_view::npos) return false;
  return domain.find(U'.') != std::u32string_view::npos && is_host_name(domain);
}

bool acceptable_url(std::u32string_view text) {
  if (has_space(text)) return false;
  const auto sep = text.find(U"://");
  if (sep == std::u32string_view::npos) return false;
  std::u32string scheme;
  for (char32_t cp : text.substr(0, sep)) scheme.push_back(ascii_lower(cp));
  if (scheme != U"http" && scheme != U"https") return false;
  const auto rest = text.substr(sep + 3);
  const auto authority = rest.substr(0, std::min(rest.find_first_of(U"/?#"), rest.size()));
  // No userinfo: "https://bank.example@evil.example" shows one host and opens another.
  if (authority.find(U'@') != std::u32string_view::npos) return false;
  auto host = authority;
  if (const auto colon = authority.rfind(U':'); colon != std::u32string_view::npos) {
    host = authority.substr(0, colon);
    const auto port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5) return false;
    std::uint32_t number = 0;
    for (char32_t cp : port) {
      if (cp < '0' || cp > '9') return false;
      number = number * 10 + (cp - '0');
    }
    if (number == 0 || number > 65535) return false;
  }
  return is_host_name(host);
}

bool is_time_zone(const std::string& text) {
  if (text.empty()) return false;
  // Only the characters of IANA names: no dots, so no "../etc/passwd", and no
  // ':' so no "GMT+08:00" custom ids.
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '+' || c == '/' || c == '-';
    if (!ok) return false;
  }
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString canonical;
  UBool is_system_id = false;
  icu::TimeZone::getCanonicalID(icu::UnicodeString::fromUTF8(text), canonical, is_system_id, status);
  if (U_FAILURE(status) || !is_system_id) return false;
  // "Factory" is in the tz data but is a placeholder, not a place's time.
  return canonical != icu::UnicodeString("Factory") && canonical != icu::UnicodeString("Etc/Unknown");
}

struct PhoneResult {
  std::optional<std::string> e164;
  std::string error;
};

PhoneResult parse_phone(const std::string& text, const std::string& region) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  static const std::string kInvalid = "Enter a phone number with its country code, like +86 10 1234 5678.";
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(text, region, &number) != PhoneNumberUtil::NO_PARSING_ERROR || !util.IsValidNumber(number))
    return {std::nullopt, kInvalid};
  // E.164 has no room for an extension: say so rather than drop it.
  if (number.has_extension() && !number.extension().empty())
    return {std::nullopt, "Enter the phone number without an extension."};
  std::string out;
  util.Format(number, PhoneNumberUtil::E164, &out);
  return {out, ""};
}

// The region a number without "+" is read in: the member's country, when the
// schema has one and it is valid; "ZZ" (unknown) otherwise, which makes
// libphonenumber insist on the country code.
std::string phone_region(const std::vector<FieldSpec>& specs, const json& submitted) {
  const bool has_country = std::any_of(specs.begin(), specs.end(), [](const FieldSpec& spec) {
    return spec.name == "country" && spec.type == FieldType::country;
  });
  if (!has_country) return "ZZ";
  const auto it = submitted.find("country");
  if (it == submitted.end() || !it->is_string()) return "ZZ";
  const auto decoded = decode_utf8(it->get_ref<const std::string&>());
  if (!decoded) return "ZZ";
  return normalise_country(trim(*decoded)).value_or("ZZ");
}

struct FieldResult {
  std::optional<std::string> value;  // nullopt with no error: not given
  std::optional<std::string> error;
};

FieldResult check_value(const FieldSpec& spec, const json& raw, const std::string& region) {
  if (raw.is_null()) return {};
  if (!raw.is_string()) return {std::nullopt, "Enter this as text."};
  auto decoded = decode_utf8(raw.get_ref<const std::string&>());
  if (!decoded) return {std::nullopt, "This text contains characters we can't read. Please type it again."};

  std::u32string text;
  text.reserve(decoded->size());
  if (spec.type == FieldType::textarea) {
    // Browsers send line breaks as "\r\n": store them one way.
    for (std::size_t i = 0; i < decoded->size(); ++i) {
      const char32_t cp = (*decoded)[i];
      if (cp == '\r') {
        text.push_back('\n');
        if (i + 1 < decoded->size() && (*decoded)[i + 1] == '\n') ++i;
      } else {
        text.push_back(cp);
      }
    }
  } else {
    text = std::move(*decoded);
  }
  const std::u32string_view trimmed = trim(text);
  if (trimmed.empty()) return {};

  for (char32_t cp : trimmed) {
    if (!is_control(cp)) continue;
    if (spec.type == FieldType::textarea && (cp == '\n' || cp == '\t')) continue;
    if (cp == '\n') return {std::nullopt, "Keep this to one line."};
    return {std::nullopt, "Remove the tabs or other special characters from this text."};
  }
  if (std::any_of(trimmed.begin(), trimmed.end(), is_bidi_control))
    return {std::nullopt,
            "This contains invisible characters that change the direction of the text. Type it again without "
            "them (copying from another page can bring them along)."};
  if (trimmed.size() > spec.max_length) return {std::nullopt, characters(spec.max_length)};

  const std::string value = encode_utf8(trimmed);
  switch (spec.type) {
    case FieldType::text:
    case FieldType::textarea: return {value, std::nullopt};
    case FieldType::email:
      if (!plausible_email(trimmed)) return {std::nullopt, "Enter an email address like name@example.com."};
      return {value, std::nullopt};
    case FieldType::phone: {
      auto phone = parse_phone(value, region);
      if (!phone.e164) return {std::nullopt, phone.error};
      return {*phone.e164, std::nullopt};
    }
    case FieldType::url:
      if (!acceptable_url(trimmed))
        return {std::nullopt, "Enter a web address that starts with http:// or https://, like https://example.com."};
      return {value, std::nullopt};
    case FieldType::country:
      if (auto code = normalise_country(trimmed)) return {*code, std::nullopt};
      return {std::nullopt, "Choose a country or region from the list (a two-letter code like CN or US)."};
    case FieldType::select:
      if (std::find(spec.options.begin(), spec.options.end(), value) == spec.options.end())
        return {std::nullopt, "Choose one of the options in the list."};
      return {value, std::nullopt};
    case FieldType::time_zone:
      if (!is_time_zone(value)) return {std::nullopt, "Choose a time zone from the list, like Asia/Shanghai."};
      return {value, std::nullopt};
  }
  return {std::nullopt, "This field cannot be checked."};
}

// --- the config check ------------------------------------------------------

const char* json_kind(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "nothing";
    case json::value_t::object: return "a map";
    case json::value_t::array: return "a list";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a number";
    default: return "an unusable value";
  }
}

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 40 || name[0] < 'a' || name[0] > 'z') return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// A label or option members will read: readable UTF-8 on one line, no blank ends.
std::optional<std::string> check_display_text(const std::string& text) {
  const auto decoded = decode_utf8(text);
  if (!decoded) return "is not valid UTF-8";
  if (trim(*decoded).empty()) return "is empty";
  if (trim(*decoded).size() != decoded->size()) return "has spaces at its start or end";
  if (std::any_of(decoded->begin(), decoded->end(), is_control)) return "contains control characters";
  return std::nullopt;
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

// The rest of one entry, once its name is known to be good.
std::optional<std::string> check_entry(const json& entry) {
  static const std::set<std::string> kKeys = {"name", "label", "type", "required", "max_length", "options"};
  for (const auto& [key, unused] : entry.items()) {
    (void)unused;
    if (!kKeys.count(key))
      return "unknown key " + quoted(valid_utf8(key) ? key : "?") +
             " (the keys are name, label, type, required, max_length, options)";
  }

  const auto label = entry.find("label");
  if (label == entry.end()) return std::string("label is missing");
  if (!label->is_string()) return std::string("label must be a string, got ") + json_kind(*label);
  if (auto problem = check_display_text(label->get_ref<const std::string&>())) return "label " + *problem;

  const auto type_it = entry.find("type");
  if (type_it == entry.end()) return "type is missing (one of " + all_type_names() + ")";
  if (!type_it->is_string())
    return std::string("type must be a string, got ") + json_kind(*type_it) + " (one of " + all_type_names() + ")";
  const std::string& type_text = type_it->get_ref<const std::string&>();
  const auto type = type_from_name(type_text);
  if (!type)
    return "type " + quoted(valid_utf8(type_text) ? type_text : "?") + " is not one of " + all_type_names();

  if (const auto required = entry.find("required"); required != entry.end() && !required->is_boolean())
    return std::string("required must be true or false, got ") + json_kind(*required);

  std::size_t max_length = default_max_length(*type);
  if (const auto it = entry.find("max_length"); it != entry.end()) {
    if (!it->is_number_integer()) return std::string("max_length must be a whole number, got ") + json_kind(*it);
    // Unsigned and signed apart: a huge unsigned value must not wrap into range.
    const bool in_range = it->is_number_unsigned()
                              ? it->get<std::uint64_t>() >= 1 &&
                                    it->get<std::uint64_t>() <= static_cast<std::uint64_t>(kMaxLengthLimit)
                              : it->get<std::int64_t>() >= 1 && it->get<std::int64_t>() <= kMaxLengthLimit;
    if (!in_range) return "max_length must be between 1 and " + std::to_string(kMaxLengthLimit);
    max_length = static_cast<std::size_t>(it->get<std::int64_t>());
  }

  const auto options = entry.find("options");
  if (*type != FieldType::select) {
    if (options != entry.end()) return "options are only for select fields (this one is " + type_text + ")";
    return std::nullopt;
  }
  if (options == entry.end()) return std::string("a select field needs options (a list of the choices)");
  if (!options->is_array()) return std::string("options must be a list of strings, got ") + json_kind(*options);
  if (options->empty()) return std::string("a select field needs at least one option");
  if (options->size() > kMaxOptions) return "a select field can have at most " + std::to_string(kMaxOptions) + " options";
  std::set<std::string> seen;
  std::size_t index = 0;
  for (const json& option : *options) {
    ++index;
    const std::string which = "option " + std::to_string(index);
    // Unquoted Yes/No/On/Off become booleans in YAML: hint at the fix.
    if (!option.is_string())
      return which + " must be a string, got " + json_kind(option) + " (put it in quotes)";
    const std::string& text = option.get_ref<const std::string&>();
    if (auto problem = check_display_text(text)) return which + " " + *problem;
    if (!seen.insert(text).second) return which + " " + quoted(text) + " is listed twice";
    if (decode_utf8(text)->size() > max_length)
      return which + " " + quoted(text) + " is longer than max_length (" + std::to_string(max_length) + ")";
  }
  return std::nullopt;
}

}  // namespace

const char* type_name(FieldType type) {
  switch (type) {
    case FieldType::text: return "text";
    case FieldType::textarea: return "textarea";
    case FieldType::email: return "email";
    case FieldType::phone: return "phone";
    case FieldType::url: return "url";
    case FieldType::country: return "country";
    case FieldType::select: return "select";
    case FieldType::time_zone: return "time_zone";
  }
  return "text";
}

std::optional<std::string> check_field_specs(const nlohmann::json& value) {
  try {
    if (!value.is_array()) return std::string("expected a list of fields, got ") + json_kind(value);
    if (value.empty()) return std::string("the list of fields is empty: give at least one field");
    if (value.size() > kMaxFields)
      return "there are " + std::to_string(value.size()) + " fields: at most " + std::to_string(kMaxFields) +
             " are allowed";
    std::vector<std::string> names;
    for (std::size_t i = 0; i < value.size(); ++i) {
      const json& entry = value[i];
      std::string where = "entry " + std::to_string(i + 1);
      if (!entry.is_object()) return where + ": expected a map with name, label and type, got " + json_kind(entry);
      const auto name = entry.find("name");
      if (name == entry.end()) return where + ": name is missing";
      if (!name->is_string()) return where + ": name must be a string, got " + json_kind(*name);
      const std::string& text = name->get_ref<const std::string&>();
      if (!valid_name(text))
        return where + ": name " + quoted(valid_utf8(text) ? text : "?") +
               " must start with a lower-case letter and use only a-z, 0-9 and _ (at most 40 characters)";
      where += " (" + text + ")";
      if (const auto earlier = std::find(names.begin(), names.end(), text); earlier != names.end())
        return where + ": the name is already used by entry " + std::to_string(earlier - names.begin() + 1);
      names.push_back(text);
      if (auto problem = check_entry(entry)) return where + ": " + *problem;
    }
    return std::nullopt;
  } catch (const std::exception& e) {
    // Not expected (every access above is checked); still, a config check must answer.
    return std::string("the fields could not be read: ") + e.what();
  }
}

std::vector<FieldSpec> read_field_specs(const nlohmann::json& value) {
  std::vector<FieldSpec> specs;
  for (const json& entry : value) {
    FieldSpec spec;
    spec.name = entry.at("name").get<std::string>();
    spec.label = entry.at("label").get<std::string>();
    spec.type = type_from_name(entry.at("type").get<std::string>()).value_or(FieldType::text);
    spec.required = entry.value("required", false);
    spec.max_length = entry.contains("max_length") ? entry.at("max_length").get<std::size_t>()
                                                   : default_max_length(spec.type);
    if (spec.type == FieldType::select) spec.options = entry.at("options").get<std::vector<std::string>>();
    specs.push_back(std::move(spec));
  }
  return specs;
}

nlohmann::json schema_json(const std::vector<FieldSpec>& specs) {
  json fields = json::array();
  for (const FieldSpec& spec : specs) {
    fields.push_back({{"name", spec.name},
                      {"label", spec.label},
                      {"type", type_name(spec.type)},
                      {"required", spec.required},
                      {"max_length", spec.max_length},
                      // A country field offers every code it accepts, so the form's list and the rule agree.
                      {"options", spec.type == FieldType::select    ? json(spec.options)
                                  : spec.type == FieldType::country ? json(country_codes())
                                                                    : json::array()}});
  }
  return {{"fields", std::move(fields)}};
}

ValidatedFields validate_fields(const std::vector<FieldSpec>& specs, const nlohmann::json& submitted) {
  ValidatedFields out;
  try {
    if (!submitted.is_object()) {
      out.errors.emplace_back("fields", "The profile could not be read. Please try again.");
      return out;
    }
    const std::string region = phone_region(specs, submitted);
    for (const FieldSpec& spec : specs) {
      const auto it = submitted.find(spec.name);
      FieldResult result = it == submitted.end() ? FieldResult{} : check_value(spec, *it, region);
      if (result.error) {
        out.errors.emplace_back(spec.name, *result.error);
      } else if (result.value) {
        out.fields[spec.name] = std::move(*result.value);
      } else if (spec.required) {
        out.errors.emplace_back(spec.name, "This field is required.");
      }
    }
    for (const auto& [key, unused] : submitted.items()) {
      (void)unused;
      const bool known =
          std::any_of(specs.begin(), specs.end(), [&key = key](const FieldSpec& spec) { return spec.name == key; });
      if (known) continue;
      // The key goes back to the member's client as JSON: it must be text it can carry.
      const bool printable = key.size() <= 100 && valid_utf8(key);
      out.errors.emplace_back(printable ? key : "fields", "This field is not part of the profile.");
    }
  } catch (const std::exception&) {
    // Nothing above should throw; if something does (say, memory), the member
    // gets an answer rather than the request failing.
    out.fields = json::object();
    out.errors.assign(1, {"fields", "The profile could not be checked. Please try again."});
  }
  return out;
}

}  // namespace memberd::profile
