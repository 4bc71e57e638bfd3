#include "mail/mail_transport.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace memberd {

namespace {

// Errors name no paths: the text ends up in the outbox's last_error.
[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string(what) + " in the mail directory: " + std::strerror(errno));
}

class FileTransport final : public MailTransport {
 public:
  FileTransport(std::string dir, std::string domain) : dir_(std::move(dir)), domain_(std::move(domain)) { std::filesystem::create_directories(dir_); }
  std::string name() const override { return "file"; }

  // Written to a temporary name, flushed to disk, renamed, and the directory
  // flushed too: once the outbox marks the message sent, the file survives a
  // crash, and a reader never sees half a file.
  void deliver(const OutgoingMail& mail) override {
    std::string base = dir_ + "/" + std::to_string(mail.created_at) + "-" + std::to_string(mail.id);
    std::string temp = base + ".tmp", final_path = base + ".eml";
    std::string content = render_message(mail, domain_);
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) fail("cannot create a message file");
    std::size_t written = 0;
    while (written < content.size()) {
      ssize_t n = ::write(fd, content.data() + written, content.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::close(fd);
        ::unlink(temp.c_str());
        fail("cannot write a message file");
      }
      written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
      ::unlink(temp.c_str());
      fail("cannot flush a message file");
    }
    if (::rename(temp.c_str(), final_path.c_str()) != 0) {
      ::unlink(temp.c_str());
      fail("cannot name a message file");
    }
    int dir = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
      ::fsync(dir);
      ::close(dir);
    }
  }

 private:
  std::string dir_, domain_;
};

}  // namespace

std::unique_ptr<MailTransport> make_file_transport(std::string dir, std::string message_id_domain) {
  return std::make_unique<FileTransport>(std::move(dir), std::move(message_id_domain));
}

}  // namespace memberd
