#pragma once
// The daemon's one log sink, and the per-component Logger handed to plugins.
//
// Every line is built whole and written with one fwrite under a mutex, so
// lines from different threads never interleave. Whatever the input (a
// user agent, an email address, a plugin's message), a line never contains
// a raw newline or other control character, and the JSON form is always
// valid JSON in valid UTF-8: log lines cannot be forged from the outside.

#include <memberd/host.hpp>  // Labels, LogLevel, Logger

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace memberd {

enum class LogFormat { text, json };

// "debug" | "info" | "warn" | "error" (also "warning"), as in `log.level`.
std::optional<LogLevel> parse_log_level(std::string_view s);
// "text" | "json", as in `log.format`.
std::optional<LogFormat> parse_log_format(std::string_view s);

// True when a field with this key is written as "[redacted]": the key
// contains, in any case, password, passwd, secret, token, answer,
// authorization or cookie. A safety net only — don't log secrets.
bool is_sensitive_key(std::string_view key);

class LogSink {
 public:
  using NowFn = std::function<std::chrono::system_clock::time_point()>;

  // `out` is not owned and must outlive the sink (stderr by default; under
  // systemd, stderr goes to the journal). `now` is for tests.
  explicit LogSink(LogLevel threshold = LogLevel::info, LogFormat format = LogFormat::text, std::FILE* out = stderr,
                   NowFn now = {});

  // Text:  2026-11-29T12:17:00.123Z INFO  [component] message key=value key2="quoted value"
  // JSON:  {"ts":"2026-11-29T12:17:00.123Z","level":"info","component":"...","msg":"...","key":"value"}
  // Lines below the threshold cost one atomic load. Field values are written
  // as "[redacted]" when is_sensitive_key(key). In JSON a field named ts,
  // level, component or msg is written as _ts, _level, ... so that it cannot
  // shadow the line's own. Very long messages and values are cut (and say so).
  // Never throws for I/O errors (a full disk must not fail a request).
  void write(LogLevel level, std::string_view component, std::string_view message, const Labels& fields = {});

  bool enabled(LogLevel level) const { return level >= threshold_.load(std::memory_order_relaxed); }
  // The threshold may change while running (config reload).
  void set_level(LogLevel level) { threshold_.store(level, std::memory_order_relaxed); }
  LogLevel level() const { return threshold_.load(std::memory_order_relaxed); }
  LogFormat format() const { return format_; }

  // The line write() would emit for these arguments, with its '\n' (for
  // tests and for callers that write elsewhere).
  std::string format_line(LogLevel level, std::string_view component, std::string_view message,
                          const Labels& fields) const;

 private:
  std::atomic<LogLevel> threshold_;
  const LogFormat format_;
  std::FILE* const out_;
  const NowFn now_;
  std::mutex write_mutex_;
};

// A Logger (the SDK's interface) that tags each line with one component,
// such as a plugin's name. The sink must outlive it.
class ComponentLogger : public Logger {
 public:
  ComponentLogger(LogSink& sink, std::string component) : sink_(sink), component_(std::move(component)) {}
  void log(LogLevel level, std::string_view message, const Labels& fields = {}) override {
    sink_.write(level, component_, message, fields);
  }
  const std::string& component() const { return component_; }

 private:
  LogSink& sink_;
  const std::string component_;
};

}  // namespace memberd
