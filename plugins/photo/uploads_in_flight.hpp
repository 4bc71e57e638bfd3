#pragma once
// Which members have an upload being checked or processed by this daemon:
// one at a time per member (issue 27, L2), so one member's burst cannot
// fill the workers and the queue that every member shares. A second upload
// while the first runs is refused at once; the member's hourly count
// (photo.uploads_per_hour, in the host's rate limits) holds across daemons.
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

namespace memberd::photo {

class UploadsInFlight {
 public:
  // Held while a member's upload runs; the member is free again when it ends.
  class Claim {
   public:
    Claim(UploadsInFlight& owner, std::string member) : owner_(&owner), member_(std::move(member)) {}
    ~Claim();
    Claim(Claim&& other) noexcept : owner_(other.owner_), member_(std::move(other.member_)) { other.owner_ = nullptr; }
    Claim(const Claim&) = delete;
    Claim& operator=(const Claim&) = delete;
    Claim& operator=(Claim&&) = delete;

   private:
    UploadsInFlight* owner_;
    std::string member_;
  };

  // The member's claim, or nullopt while another upload of theirs runs.
  std::optional<Claim> claim(const std::string& member_id);

 private:
  std::mutex mutex_;
  std::unordered_set<std::string> members_;
};

}  // namespace memberd::photo
