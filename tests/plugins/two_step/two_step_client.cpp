#include "two_step_client.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <memory>

namespace memberd::test::two_step {

using namespace memberd::test::credentials;
using nlohmann::json;

DaemonOptions two_step_options(const std::string& backend, std::vector<std::string> sets) {
  sets.push_back(kNoAddressLimit);
  DaemonOptions o = credentials::options(backend, std::move(sets));
  o.plugins = {"credentials", "two_step"};
  o.env["MEMBERD_TWO_STEP_KEY"] = kKey;
  return o;
}

std::string oathtool(const std::string& secret, long offset_seconds) {
  std::string plain;
  for (char c : secret)
    if (c != ' ') plain += c;
  REQUIRE(plain.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == std::string::npos);
  auto at = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                .count() + offset_seconds;
  std::string command = "oathtool --totp -b " + plain + " --now @" + std::to_string(at) + " 2>&1";
  std::unique_ptr<FILE, decltype(&pclose)> pipe(popen(command.c_str(), "r"), pclose);
  REQUIRE(pipe);
  std::array<char, 128> buffer{};
  std::string out;
  while (fgets(buffer.data(), buffer.size(), pipe.get())) out += buffer.data();
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  INFO("oathtool said: " << out);
  REQUIRE(out.size() == 6);
  return out;
}

Enrolled enrol(const DaemonProcess& d, const std::string& email) {
  Enrolled e{joined_and_stepped_up(d, email), {}, {}};
  auto started = post(d, "/api/v1/me/two-step/app", {{"password", kPassword}}, bearer(e.member.session.token));
  REQUIRE_STATUS(started, 201);
  e.secret = body_of(started)["secret"].get<std::string>();
  auto confirmed = post(d, "/api/v1/me/two-step/app/confirm", {{"code", oathtool(e.secret, -30)}},
                        bearer(e.member.session.token));
  REQUIRE_STATUS(confirmed, 200);
  INFO(describe(confirmed));
  auto body = body_of(confirmed);  // kept: a loop over a temporary's member would dangle
  for (const auto& code : body["recovery_codes"]) e.recovery_codes.push_back(code.get<std::string>());
  REQUIRE(e.recovery_codes.size() == 10);
  return e;
}

std::string challenge(const DaemonProcess& d, const std::string& email, const std::string& password) {
  auto answer = sign_in_raw(d, email, password);
  REQUIRE_STATUS(answer, 202);
  return body_of(answer)["second_step"]["challenge"].get<std::string>();
}

httplib::Result second_step(const DaemonProcess& d, const std::string& challenge, const std::string& method,
                            const std::string& code, const httplib::Headers& headers) {
  return post(d, "/api/v1/session/second-step", {{"challenge", challenge}, {"method", method}, {"code", code}},
              headers);
}

}  // namespace memberd::test::two_step
