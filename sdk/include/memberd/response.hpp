#pragma once
// What a handler returns. Header-only; touches nothing.

#include <string>
#include <utility>
#include <vector>

namespace memberd {

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  Response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace memberd
