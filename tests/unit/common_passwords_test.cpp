#include "auth/common_passwords.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

using memberd::CommonPasswords;

namespace {

// A file in the temporary directory, removed when the test ends.
struct TempFile {
  std::filesystem::path path;
  explicit TempFile(const std::string& content)
      : path(std::filesystem::temp_directory_path() /
             ("memberd_common_passwords_" + std::to_string(::getpid()) + ".txt")) {
    std::ofstream(path, std::ios::binary) << content;
  }
  ~TempFile() { std::filesystem::remove(path); }
};

}  // namespace

TEST_CASE("common passwords: lookups ignore ASCII case", "[passwords]") {
  const CommonPasswords list(std::vector<std::string>{"password", "Dragon", "letmein", "PASSWORD", ""});
  CHECK(list.size() == 3);
  CHECK(list.contains("password"));
  CHECK(list.contains("PassWord"));
  CHECK(list.contains("dragon"));
  CHECK(list.contains("LETMEIN"));
  CHECK_FALSE(list.contains("passwor"));
  CHECK_FALSE(list.contains("password1"));
  CHECK_FALSE(list.contains(""));
  CHECK_FALSE(list.contains(std::string(1000, 'a')));

  const CommonPasswords empty(std::vector<std::string>{});
  CHECK(empty.size() == 0);
  CHECK_FALSE(empty.contains("password"));
}

TEST_CASE("common passwords: a file is trimmed, lower-cased and de-duplicated", "[passwords]") {
  const TempFile file("zebra\r\n  Apple \n\napple\n\tMonkey\nzebra\nlast-without-newline");
  const CommonPasswords list(file.path);
  CHECK(list.size() == 4);
  CHECK(list.contains("apple"));
  CHECK(list.contains("monkey"));
  CHECK(list.contains("ZEBRA"));
  CHECK(list.contains("last-without-newline"));
  CHECK_FALSE(list.contains(" apple"));
}

TEST_CASE("common passwords: a missing or empty file stops start-up", "[passwords]") {
  CHECK_THROWS_WITH(CommonPasswords(std::filesystem::path("/nonexistent/memberd/words")),
                    Catch::Contains("/nonexistent/memberd/words"));
  const TempFile blank(" \n\n\t\n");
  CHECK_THROWS_AS(CommonPasswords(blank.path), std::runtime_error);
  CHECK_THROWS_WITH(CommonPasswords(blank.path), Catch::Contains(blank.path.string()));
}

TEST_CASE("common passwords: the system word list loads quickly", "[passwords]") {
  const std::filesystem::path file = "/usr/share/dict/cracklib-small";
  if (!std::filesystem::exists(file)) {
    WARN(file << " is not installed; load time not measured");
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  const CommonPasswords list(file);
  const auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
  WARN("loaded " << list.size() << " words from " << file << " in " << elapsed.count() << " ms");
  CHECK(elapsed.count() < 500);
  CHECK(list.size() > 50000);
  CHECK(list.contains("password"));
  CHECK(list.contains("Qwerty"));
  CHECK_FALSE(list.contains("correct horse battery staple"));
}
