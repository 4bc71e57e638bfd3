#include "support/contract_log.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <sstream>

namespace memberd::test {

namespace fs = std::filesystem;

namespace {

std::string log_dir() {
  if (const char* v = std::getenv("MEMBERD_CONTRACT_LOG"); v && *v) return std::string(v) == "off" ? "" : v;
  return MEMBERD_CONTRACT_LOG_DIR;
}

bool is_json(const std::string& content_type) {
  return content_type.rfind("application/json", 0) == 0 || content_type.rfind("application/problem+json", 0) == 0;
}

std::string unique_name() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  std::ostringstream name;
  name << getpid() << '-' << std::hex << random();
  return name.str();
}

// The daemon's document, its bytes; empty when it does not answer.
std::string fetch_document(int port, bool tls) {
  httplib::Result res = [&] {
    if (tls) {
      httplib::SSLClient client("127.0.0.1", port);
      client.enable_server_certificate_verification(false);
      client.set_read_timeout(10, 0);
      return client.Get("/api/v1/openapi.json");
    }
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(10, 0);
    return client.Get("/api/v1/openapi.json");
  }();
  return res && res->status == 200 ? res->body : std::string();
}

// Writes `document` once per distinct content under documents/; its name, or
// "" when it cannot be written.
std::string keep_document(const fs::path& dir, const std::string& document) {
  std::ostringstream name;
  name << std::hex << std::hash<std::string>{}(document) << ".json";
  const fs::path path = dir / "documents" / name.str();
  std::error_code ec;
  if (fs::exists(path, ec)) return name.str();
  const fs::path partial = path.string() + "." + unique_name() + ".part";
  {
    std::ofstream out(partial);
    out << document;
    if (!out) return "";
  }
  fs::rename(partial, path, ec);  // whole or not at all, whoever writes it first
  return ec ? "" : name.str();
}

}  // namespace

std::shared_ptr<ContractLog> ContractLog::for_daemon(int port, bool tls) {
  const std::string dir = log_dir();
  if (dir.empty()) return nullptr;
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "exchanges", ec);
  fs::create_directories(fs::path(dir) / "documents", ec);
  const std::string document = fetch_document(port, tls);
  if (document.empty()) return nullptr;
  const std::string kept = keep_document(dir, document);
  if (kept.empty()) return nullptr;
  // O_EXCL: a name no other process or daemon of this run has.
  const std::string path = dir + "/exchanges/" + unique_name() + ".jsonl";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) return nullptr;
  ::close(fd);
  auto log = std::make_shared<ContractLog>();
  log->out_.open(path);
  if (!log->out_) return nullptr;
  log->out_ << nlohmann::json{{"document", kept}}.dump() << '\n' << std::flush;
  return log;
}

void ContractLog::record(const httplib::Request& request, const httplib::Response& response) noexcept {
  try {
    const std::string content_type = response.get_header_value("Content-Type");
    nlohmann::json line = {{"method", request.method},
                           {"path", request.path.substr(0, request.path.find('?'))},
                           {"status", response.status},
                           {"content_type", content_type},
                           {"body", nullptr}};
    if (is_json(content_type) && response.body.size() <= (1u << 20)) {
      auto parsed = nlohmann::json::parse(response.body, nullptr, false);
      line["body"] = parsed.is_discarded() ? nlohmann::json(response.body) : parsed;
      line["body_is_json"] = !parsed.is_discarded();
    }
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::lock_guard lock(mutex_);
    out_ << text << '\n' << std::flush;
  } catch (...) {
    // A record lost is a response unchecked, never a test failed.
  }
}

}  // namespace memberd::test
