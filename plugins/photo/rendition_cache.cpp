#include "rendition_cache.hpp"

namespace memberd::photo {

std::shared_ptr<const std::string> RenditionCache::find(const std::string& sha256) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(sha256);
  if (it == index_.end()) return nullptr;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->bytes;
}

void RenditionCache::keep(const std::string& sha256, std::shared_ptr<const std::string> bytes) {
  if (!bytes || bytes->size() > capacity_) return;
  std::lock_guard lock(mutex_);
  if (index_.count(sha256)) return;
  used_ += bytes->size();
  order_.push_front({sha256, std::move(bytes)});
  index_[sha256] = order_.begin();
  while (used_ > capacity_ && !order_.empty()) {
    used_ -= order_.back().bytes->size();
    index_.erase(order_.back().sha256);
    order_.pop_back();
  }
}

}  // namespace memberd::photo
