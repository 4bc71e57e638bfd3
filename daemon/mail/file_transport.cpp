#include "mail/mail_transport.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace memberd {

namespace {

class FileTransport final : public MailTransport {
 public:
  explicit FileTransport(std::string dir) : dir_(std::move(dir)) { std::filesystem::create_directories(dir_); }
  std::string name() const override { return "file"; }
  void deliver(const OutgoingMail& mail) override {
    auto final_path = std::filesystem::path(dir_) / (std::to_string(mail.created_at) + "-" + std::to_string(mail.id) + ".eml");
    auto temp_path = final_path;
    temp_path += ".tmp";
    {
      std::ofstream out(temp_path, std::ios::binary | std::ios::trunc);
      out << render_message(mail, "memberd.local");
      if (!out.flush()) throw std::runtime_error("cannot write to the mail directory");
    }
    std::filesystem::rename(temp_path, final_path);
  }

 private:
  std::string dir_;
};

}  // namespace

std::unique_ptr<MailTransport> make_file_transport(std::string dir) {
  return std::make_unique<FileTransport>(std::move(dir));
}

}  // namespace memberd
