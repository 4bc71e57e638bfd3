#pragma once
// A member of a TestDaemon, for calling your routes as one: joined and
// signed in through the credentials plugin (which the daemon must enable,
// as TestDaemonOptions does by default), then each call with its bearer
// token. The daemon's own HTTP contract, nothing of its internals.
#include <memberd/testing/test_daemon.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace memberd::testing {

// One answer: its status, its body as text and, when that is JSON, parsed
// (else null). `header` is one response header (empty when absent).
struct Reply {
  int status = 0;
  std::string text;
  nlohmann::json json;
  httplib::Headers headers;
  std::string header(const std::string& name) const;
};

class Member {
 public:
  // Joins with `email` (POST /api/v1/members) and signs in (POST
  // /api/v1/session). Throws std::runtime_error naming the step that failed
  // and the daemon's answer.
  static Member join(const TestDaemon& daemon, const std::string& email,
                     const std::string& password = "a long test passphrase 42");

  const std::string& member_id() const { return member_id_; }
  const std::string& token() const { return token_; }
  const std::string& email() const { return email_; }

  // Requests as this member. A transport failure (no answer) throws.
  Reply get(const std::string& path) const;
  Reply post(const std::string& path, const nlohmann::json& body = nlohmann::json::object()) const;
  Reply put(const std::string& path, const nlohmann::json& body) const;
  Reply del(const std::string& path) const;

 private:
  Member(const TestDaemon& daemon, std::string email) : daemon_(&daemon), email_(std::move(email)) {}
  httplib::Headers auth() const;

  const TestDaemon* daemon_;
  std::string email_, member_id_, token_;
};

}  // namespace memberd::testing
