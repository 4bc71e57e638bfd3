#include "uploads_in_flight.hpp"

namespace memberd::photo {

UploadsInFlight::Claim::~Claim() {
  if (!owner_) return;
  std::lock_guard lock(owner_->mutex_);
  owner_->members_.erase(member_);
}

std::optional<UploadsInFlight::Claim> UploadsInFlight::claim(const std::string& member_id) {
  std::lock_guard lock(mutex_);
  if (!members_.insert(member_id).second) return std::nullopt;
  return std::optional<Claim>(std::in_place, *this, member_id);
}

}  // namespace memberd::photo
