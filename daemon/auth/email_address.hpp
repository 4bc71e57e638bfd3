#pragma once
// The daemon uses the SDK's email rules, so the core and plugins agree.
#include <memberd/email_address.hpp>
