#pragma once
// Every response a test receives from a daemon, written down so that
// tests/contract/validate_responses.py can check each against the OpenAPI
// document that same daemon served (GET /api/v1/openapi.json, fetched when
// the daemon has started, before the test's first request). The tests' own
// assertions stay as they are; the contract is checked after all of them
// ran, as one more test (tests/CMakeLists.txt).
//
// Where: MEMBERD_CONTRACT_LOG (a directory; "off" turns it off), else the
// build's <build>/contract-log. Per daemon a file exchanges/<unique>.jsonl:
// its first line {"document": "<file>"} names the document under
// documents/, each later line is one exchange {method, path, status,
// content_type, body}, the body only when it is JSON, else null.
// Recording never fails a test: a log that cannot be written is skipped.
#include <httplib.h>

#include <fstream>
#include <memory>
#include <mutex>
#include <string>

namespace memberd::test {

class ContractLog {
 public:
  // Fetches the daemon's document and opens its file; nullptr when the log
  // is off or either failed (its exchanges then go unrecorded).
  static std::shared_ptr<ContractLog> for_daemon(int port, bool tls);

  // Records every exchange of `client` from now on.
  template <typename Client>
  static void attach(const std::shared_ptr<ContractLog>& log, Client& client) {
    if (!log) return;
    client.set_logger([log](const httplib::Request& req, const httplib::Response& res) { log->record(req, res); });
  }

  void record(const httplib::Request& request, const httplib::Response& response) noexcept;

 private:
  std::mutex mutex_;
  std::ofstream out_;
};

}  // namespace memberd::test
