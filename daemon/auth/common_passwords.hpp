#pragma once
// The list of passwords too common to allow (NIST SP 800-63B asks verifiers to
// refuse them). It is loaded once at start-up and read by every join and
// password change, so it is kept compact and searched without allocating.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace memberd {

class CommonPasswords {
 public:
  // Loads a word list with one word per line (such as
  // /usr/share/dict/cracklib-small). Leading and trailing white space and
  // blank lines are ignored; ASCII letters are lower-cased; duplicates are
  // kept once. Throws std::runtime_error naming `file` when it cannot be read
  // or holds no word: a misconfigured path must stop start-up rather than
  // silently allow every password.
  explicit CommonPasswords(const std::filesystem::path& file);

  // The same from words in memory (for tests and embedded lists). An empty
  // list is allowed here: there is no file to have got wrong.
  explicit CommonPasswords(const std::vector<std::string>& words);

  // Whether `password` is on the list, ignoring ASCII case. O(log n) and no
  // allocation for passwords up to 256 bytes.
  bool contains(std::string_view password) const;

  // The number of distinct words.
  std::size_t size() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }

 private:
  // Sorts and de-duplicates the words held in `text` at `spans`, then packs
  // them into `words_`. `text` is already lower-cased.
  struct Span {
    std::uint32_t offset;
    std::uint32_t length;
  };
  void build(std::string_view text, std::vector<Span>& spans);
  std::string_view word(std::size_t index) const {
    return std::string_view(words_).substr(offsets_[index], offsets_[index + 1] - offsets_[index]);
  }

  // Every word back to back, sorted, with no separators; word i runs from
  // offsets_[i] to offsets_[i + 1]. One allocation for the characters and one
  // for the offsets, instead of one std::string per word.
  std::string words_;
  std::vector<std::uint32_t> offsets_;
};

}  // namespace memberd
