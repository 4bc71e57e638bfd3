#include "ctl/password_prompt.hpp"

#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>

namespace memberd::ctl {
namespace {

// Saved so that a Ctrl-C during the prompt does not leave the operator's
// terminal without echo.
termios saved_termios{};
volatile std::sig_atomic_t echo_disabled = 0;

void restore_and_reraise(int sig) {
  if (echo_disabled) tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void strip_line_end(std::string& line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
    line.pop_back();
}

std::optional<std::string> ask_hidden(const char* prompt) {
  std::cerr << prompt << std::flush;
  if (tcgetattr(STDIN_FILENO, &saved_termios) != 0) return std::nullopt;
  termios quiet = saved_termios;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  // ECHONL keeps the newline visible so the next prompt starts on its own line.
  quiet.c_lflag |= ECHONL;
  auto old_int = std::signal(SIGINT, restore_and_reraise);
  auto old_term = std::signal(SIGTERM, restore_and_reraise);
  echo_disabled = 1;
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
  echo_disabled = 0;
  std::signal(SIGINT, old_int);
  std::signal(SIGTERM, old_term);
  if (!got) {
    std::cerr << '\n';
    return std::nullopt;
  }
  strip_line_end(line);
  return line;
}

}  // namespace

PasswordInput read_new_password(const char* env_name) {
  if (const char* env = std::getenv(env_name); env && *env)
    return {std::string(env), {}};

  if (isatty(STDIN_FILENO)) {
    auto first = ask_hidden("New password: ");
    if (!first || first->empty()) return {std::nullopt, "no password given"};
    auto second = ask_hidden("Repeat password: ");
    if (!second) return {std::nullopt, "no password given"};
    if (*first != *second) return {std::nullopt, "the passwords differ"};
    return {std::move(first), {}};
  }

  std::string line;
  if (!std::getline(std::cin, line))
    return {std::nullopt, std::string("no password: set ") + env_name +
                              " or pipe it on stdin"};
  strip_line_end(line);
  if (line.empty())
    return {std::nullopt, "the password read from stdin is empty"};
  return {std::move(line), {}};
}

}  // namespace memberd::ctl
