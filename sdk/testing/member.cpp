#include <memberd/testing/member.hpp>

#include <stdexcept>

namespace memberd::testing {

namespace {

Reply reply_of(const httplib::Result& res, const std::string& what) {
  if (!res) throw std::runtime_error("memberd test kit: no answer to " + what + ": " + httplib::to_string(res.error()));
  Reply out{res->status, res->body, nullptr, res->headers};
  out.json = nlohmann::json::parse(res->body, nullptr, false);
  if (out.json.is_discarded()) out.json = nullptr;
  return out;
}

}  // namespace

std::string Reply::header(const std::string& name) const {
  auto found = headers.find(name);
  return found == headers.end() ? "" : found->second;
}

Member Member::join(const TestDaemon& daemon, const std::string& email, const std::string& password) {
  Member member(daemon, email);
  auto http = daemon.http();
  auto joined = reply_of(http->Post("/api/v1/members",
                                    nlohmann::json{{"email", email},
                                                   {"email_confirm", email},
                                                   {"password", password},
                                                   {"password_confirm", password}}
                                        .dump(),
                                    "application/json"),
                         "POST /api/v1/members");
  if (joined.status != 201) throw std::runtime_error("memberd test kit: joining as " + email + " failed: " + joined.text);
  auto session = reply_of(http->Post("/api/v1/session", nlohmann::json{{"email", email}, {"password", password}}.dump(),
                                     "application/json"),
                          "POST /api/v1/session");
  if (session.status != 201)
    throw std::runtime_error("memberd test kit: signing in as " + email + " failed: " + session.text);
  member.member_id_ = session.json.value("member_id", "");
  member.token_ = session.json.value("token", "");
  return member;
}

httplib::Headers Member::auth() const { return {{"Authorization", "Bearer " + token_}}; }

Reply Member::get(const std::string& path) const { return reply_of(daemon_->http()->Get(path, auth()), "GET " + path); }

Reply Member::post(const std::string& path, const nlohmann::json& body) const {
  return reply_of(daemon_->http()->Post(path, auth(), body.dump(), "application/json"), "POST " + path);
}

Reply Member::put(const std::string& path, const nlohmann::json& body) const {
  return reply_of(daemon_->http()->Put(path, auth(), body.dump(), "application/json"), "PUT " + path);
}

Reply Member::del(const std::string& path) const {
  return reply_of(daemon_->http()->Delete(path, auth()), "DELETE " + path);
}

}  // namespace memberd::testing
