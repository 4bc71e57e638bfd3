#pragma once
// The example's part of a member's data (memberd/member_data.hpp): what a
// plugin that keeps something of members hands the host, so that "Download
// my data" includes it and closing the account erases it.
#include <memberd/host.hpp>
#include <memberd/member_data.hpp>

#include <memory>

namespace hello {

std::shared_ptr<memberd::MemberDataProvider> member_data_provider(memberd::Host& host);

}  // namespace hello
