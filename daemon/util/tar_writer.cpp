#include "util/tar_writer.hpp"

#include <array>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace memberd {

namespace {

constexpr std::size_t kBlock = 512;

// `value` as zero-padded octal in `width` - 1 digits and a NUL, as ustar's
// numeric fields are written. A value that does not fit (a file of 8 GiB
// or more) is refused: std::invalid_argument.
void octal(char* field, std::size_t width, std::uint64_t value) {
  for (std::size_t i = width - 1; i-- > 0;) {
    field[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  if (value != 0) throw std::invalid_argument("tar: a number does not fit its header field");
  field[width - 1] = '\0';
}

void text(char* field, std::size_t width, std::string_view value) {
  if (value.size() > width || value.find('\0') != std::string_view::npos)
    throw std::invalid_argument("tar: a name does not fit its header field");
  std::memcpy(field, value.data(), value.size());
}

}  // namespace

void TarWriter::add(std::string_view directory, std::string_view name, std::string_view bytes, std::int64_t mtime) {
  if (name.empty() || name.find('/') != std::string_view::npos) throw std::invalid_argument("tar: a bad file name");
  std::array<char, kBlock> header{};
  text(&header[0], 100, name);
  octal(&header[100], 8, 0644);    // mode
  octal(&header[108], 8, 0);       // uid
  octal(&header[116], 8, 0);       // gid
  octal(&header[124], 12, bytes.size());
  octal(&header[136], 12, static_cast<std::uint64_t>(mtime < 0 ? 0 : mtime));
  header[156] = '0';               // a regular file
  std::memcpy(&header[257], "ustar", 6);  // magic with its NUL
  std::memcpy(&header[263], "00", 2);     // version
  text(&header[345], 155, directory);     // prefix: the path is <prefix>/<name>
  // The checksum counts its own field as eight spaces.
  std::memset(&header[148], ' ', 8);
  unsigned sum = 0;
  for (char c : header) sum += static_cast<unsigned char>(c);
  octal(&header[148], 7, sum);  // six digits and a NUL, then a space
  header[155] = ' ';
  out_.append(header.data(), header.size());
  out_.append(bytes.data(), bytes.size());
  out_.append((kBlock - bytes.size() % kBlock) % kBlock, '\0');
}

std::string TarWriter::finish() {
  out_.append(2 * kBlock, '\0');
  return std::exchange(out_, {});
}

}  // namespace memberd
