#include "log/logger.hpp"

#include <memberd/text.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>

namespace memberd {
namespace {

// Caps keep one huge input (a pasted document, a hostile header) from
// turning into a megabyte log line.
constexpr std::size_t max_message_bytes = 8192;
constexpr std::size_t max_value_bytes = 2048;
constexpr std::string_view truncated_mark = "...[truncated]";
constexpr std::string_view redacted = "[redacted]";

constexpr char hex_digits[] = "0123456789abcdef";

void append_u_escape(std::string& out, char32_t cp) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += hex_digits[(cp >> shift) & 0xf];
}

// Text format. Control characters become \n \r \t \uXXXX, malformed UTF-8
// bytes \xNN; in a quoted value '"' and '\' are escaped as well.
void append_text_escaped(std::string& out, std::string_view s, bool quoted) {
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const std::size_t len = utf8_decode(s, i, cp);
    if (len == 0) {
      const auto b = static_cast<unsigned char>(s[i]);
      out += "\\x";
      out += hex_digits[b >> 4];
      out += hex_digits[b & 0xf];
      ++i;
      continue;
    }
    if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (is_control_character(cp)) {
      append_u_escape(out, cp);
    } else if (quoted && (cp == '"' || cp == '\\')) {
      out += '\\';
      out += static_cast<char>(cp);
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
}

// Quote a value when it is empty or has a space, '"', '=', a backslash, a control
// character or malformed UTF-8; other non-ASCII text stays readable as is.
bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (std::size_t i = 0; i < v.size();) {
    char32_t cp = 0;
    const std::size_t len = utf8_decode(v, i, cp);
    if (len == 0 || is_control_character(cp) || cp == ' ' || cp == '"' || cp == '=' || cp == '\\') return true;
    i += len;
  }
  return false;
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  append_json_escaped(out, s);
  out += '"';
}

// Keys come from code, not users, but a key with '=' or a space would make
// the text line ambiguous: keep [A-Za-z0-9_.-], replace the rest.
void append_text_key(std::string& out, std::string_view key) {
  if (key.empty()) {
    out += '_';
    return;
  }
  for (unsigned char c : key) {
    const bool ok = std::isalnum(c) || c == '_' || c == '.' || c == '-';
    out += ok ? static_cast<char>(c) : '_';
  }
}

// Cuts at a character boundary and says so.
std::string_view capped(std::string_view s, std::size_t limit, bool& cut) {
  cut = s.size() > limit;
  if (!cut) return s;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xc0) == 0x80) --end;
  return s.substr(0, end);
}

std::string format_timestamp(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto millis = duration_cast<milliseconds>(t - secs).count();
  const std::time_t tt = system_clock::to_time_t(secs);
  std::tm utc{};
  gmtime_r(&tt, &utc);
  // Room for seven ints at their widest (GCC's -Wformat-truncation counts
  // them so), though a real time needs 24 bytes.
  std::array<char, 96> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
  return buf.data();
}

const char* text_level(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return "DEBUG";
    case LogLevel::info: return "INFO ";
    case LogLevel::warn: return "WARN ";
    case LogLevel::error: return "ERROR";
  }
  return "?    ";
}

const char* json_level(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "?";
}

bool is_reserved_json_key(std::string_view key) {
  return key == "ts" || key == "level" || key == "component" || key == "msg";
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view s) {
  if (s == "debug") return LogLevel::debug;
  if (s == "info") return LogLevel::info;
  if (s == "warn" || s == "warning") return LogLevel::warn;
  if (s == "error") return LogLevel::error;
  return std::nullopt;
}

std::optional<LogFormat> parse_log_format(std::string_view s) {
  if (s == "text") return LogFormat::text;
  if (s == "json") return LogFormat::json;
  return std::nullopt;
}

bool is_sensitive_key(std::string_view key) {
  static constexpr std::string_view words[] = {"password", "passwd", "secret", "token",
                                               "answer",   "authorization", "cookie"};
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::any_of(std::begin(words), std::end(words),
                     [&](std::string_view w) { return lower.find(w) != std::string::npos; });
}

LogSink::LogSink(LogLevel threshold, LogFormat format, std::FILE* out, NowFn now)
    : threshold_(threshold), format_(format), out_(out ? out : stderr), now_(std::move(now)) {}

std::string LogSink::format_line(LogLevel level, std::string_view component, std::string_view message,
                                 const Labels& fields) const {
  const std::string ts = format_timestamp(now_ ? now_() : std::chrono::system_clock::now());
  bool cut = false;
  const std::string_view msg = capped(message, max_message_bytes, cut);
  const bool msg_cut = cut;

  std::string line;
  line.reserve(64 + component.size() + msg.size() + fields.size() * 24);
  if (format_ == LogFormat::text) {
    line += ts;
    line += ' ';
    line += text_level(level);
    line += " [";
    append_text_escaped(line, component, false);
    line += "] ";
    append_text_escaped(line, msg, false);
    if (msg_cut) line += truncated_mark;
    for (const auto& [key, value] : fields) {
      line += ' ';
      append_text_key(line, key);
      line += '=';
      if (is_sensitive_key(key)) {
        line += redacted;
        continue;
      }
      const std::string_view v = capped(value, max_value_bytes, cut);
      if (needs_quotes(v) || cut) {
        line += '"';
        append_text_escaped(line, v, true);
        if (cut) line += truncated_mark;
        line += '"';
      } else {
        line += v;
      }
    }
  } else {
    line += "{\"ts\":";
    append_json_string(line, ts);
    line += ",\"level\":\"";
    line += json_level(level);
    line += "\",\"component\":";
    append_json_string(line, component);
    line += ",\"msg\":\"";
    append_json_escaped(line, msg);
    if (msg_cut) line += truncated_mark;
    line += '"';
    for (const auto& [key, value] : fields) {
      line += ",\"";
      if (is_reserved_json_key(key)) line += '_';
      append_json_escaped(line, key);
      line += "\":\"";
      if (is_sensitive_key(key)) {
        line += redacted;
      } else {
        append_json_escaped(line, capped(value, max_value_bytes, cut));
        if (cut) line += truncated_mark;
      }
      line += '"';
    }
    line += '}';
  }
  line += '\n';
  return line;
}

void LogSink::write(LogLevel level, std::string_view component, std::string_view message, const Labels& fields) {
  if (!enabled(level)) return;
  std::string line;
  try {
    line = format_line(level, component, message, fields);
  } catch (...) {
    return;  // out of memory while logging: drop the line, keep serving
  }
  std::lock_guard lock(write_mutex_);
  // One fwrite of the whole line, flushed at once: with stderr or a pipe the
  // line reaches the fd in one write(2) and survives a crash right after.
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace memberd
