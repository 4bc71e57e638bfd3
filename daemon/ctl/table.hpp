#pragma once
// Aligned plain-text tables for humans; scripts should use --json instead.

#include <ostream>
#include <string>
#include <vector>

namespace memberd::ctl {

class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // Cells are sanitised: control characters (newlines in a load error,
  // escape sequences in a member-chosen email) would break the layout or
  // drive the operator's terminal.
  void add_row(std::vector<std::string> cells);

  bool empty() const { return rows_.empty(); }

  // Two spaces between columns; the last column is not padded, so lines
  // carry no trailing blanks.
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// Replaces control characters with a space (see Table::add_row for why).
std::string printable(const std::string& text);

}  // namespace memberd::ctl
