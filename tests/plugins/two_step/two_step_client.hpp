#pragma once
// Driving the two_step plugin as a client would, with Debian's oathtool as
// the member's authenticator app: an implementation that is not ours.
#include "support/credentials_client.hpp"

#include <string>
#include <vector>

namespace memberd::test::two_step {

using memberd::test::DaemonOptions;
using memberd::test::DaemonProcess;

inline const std::string kKey = "8f1c2b3a4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8";

// credentials and two_step, the key in the environment, no per-address cap.
DaemonOptions two_step_options(const std::string& backend = "sqlite", std::vector<std::string> sets = {});

// `oathtool --totp -b SECRET` at now + offset_seconds (spaces in the secret
// as the page shows it are fine). FAILs when oathtool does.
std::string oathtool(const std::string& secret, long offset_seconds = 0);

struct Enrolled {
  memberd::test::credentials::SteppedUp member;
  std::string secret;  // base32, as shown
  std::vector<std::string> recovery_codes;
};
// Joins, signs in, sets up the app (with the password again) and confirms it with oathtool's code of
// the step before now (so that the current step is still unused).
Enrolled enrol(const DaemonProcess& d, const std::string& email);

// The challenge of a password sign-in that asks for the second step
// (REQUIREs 202).
std::string challenge(const DaemonProcess& d, const std::string& email,
                      const std::string& password = memberd::test::credentials::kPassword);
httplib::Result second_step(const DaemonProcess& d, const std::string& challenge, const std::string& method,
                            const std::string& code, const httplib::Headers& headers = {});

}  // namespace memberd::test::two_step
