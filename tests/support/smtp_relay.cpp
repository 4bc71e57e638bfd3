#include "support/smtp_relay.hpp"
#include "support/daemon_process.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace memberd::test {

namespace fs = std::filesystem;

int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

std::pair<std::string, std::string> make_loopback_certificate(const std::string& dir) {
  std::string out, cert = dir + "/relay-cert.pem", key = dir + "/relay-key.pem";
  REQUIRE(run_command({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                       "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert},
                      out) == 0);
  return {cert, key};
}

SmtpRelay::SmtpRelay(SmtpRelayOptions options) : options_(std::move(options)) {
  char pattern[] = "/tmp/memberd-smtp-XXXXXX";
  dir_ = mkdtemp(pattern);
  if (options_.port == 0) options_.port = free_loopback_port();
  if (options_.start) start();
}

SmtpRelay::~SmtpRelay() {
  stop();
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::string SmtpRelay::url() const {
  return std::string(options_.implicit_tls ? "smtps" : "smtp") + "://127.0.0.1:" + std::to_string(options_.port);
}

void SmtpRelay::start() {
  if (pid_ > 0) return;
  fs::remove(dir_ + "/ready");
  // Debian's interpreter: another python3 first in PATH may not see python3-aiosmtpd.
  std::vector<std::string> argv = {"/usr/bin/python3", std::string(MEMBERD_SOURCE_DIR) + "/tests/support/smtp_relay.py",
                                   "--port", std::to_string(options_.port), "--dir", dir_};
  if (!options_.cert.empty()) {
    argv.insert(argv.end(), {"--cert", options_.cert, "--key", options_.key});
    if (options_.require_starttls) argv.push_back("--require-starttls");
    if (options_.implicit_tls) argv.push_back("--implicit-tls");
  }
  if (!options_.auth.empty()) argv.insert(argv.end(), {"--auth", options_.auth});
  std::string log = dir_ + "/relay.log";
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  pid_ = spawn(argv, fd);
  ::close(fd);
  REQUIRE(pid_ > 0);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!fs::exists(dir_ + "/ready")) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::ifstream in(log);
      std::stringstream text;
      text << in.rdbuf();
      FAIL("the SMTP relay exited: " + text.str());
    }
    if (std::chrono::steady_clock::now() > deadline) FAIL("the SMTP relay did not come up within 10 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void SmtpRelay::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 100 && ::waitpid(pid_, &status, WNOHANG) != pid_; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (::waitpid(pid_, &status, WNOHANG) == 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
  pid_ = -1;
}

std::vector<nlohmann::json> SmtpRelay::messages() const {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir_))
    if (entry.path().extension() == ".json") names.push_back(entry.path().string());
  std::sort(names.begin(), names.end());
  std::vector<nlohmann::json> out;
  for (const auto& name : names) {
    std::ifstream in(name);
    out.push_back(nlohmann::json::parse(in));
  }
  return out;
}

std::vector<std::string> SmtpRelay::auth_attempts() const {
  std::vector<std::string> logins;
  std::ifstream in(dir_ + "/auth-attempts");
  for (std::string line; std::getline(in, line);) logins.push_back(line);
  return logins;
}

std::vector<nlohmann::json> SmtpRelay::wait_for(std::size_t count, std::chrono::seconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto got = messages();
    if (got.size() >= count || std::chrono::steady_clock::now() > deadline) return got;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void SmtpRelay::answer_data_late(std::chrono::milliseconds delay) {
  std::ofstream(dir_ + "/late.new") << std::to_string(delay.count() / 1000.0) << "\n";
  fs::rename(dir_ + "/late.new", dir_ + "/late");
}

void SmtpRelay::script_replies(const std::vector<std::string>& replies) {
  std::string text;
  for (const auto& r : replies) text += r + "\n";
  std::ofstream(dir_ + "/replies.new") << text;
  fs::rename(dir_ + "/replies.new", dir_ + "/replies");
}

}  // namespace memberd::test
