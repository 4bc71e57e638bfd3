#pragma once
// Served renditions in memory, by content hash: a photo GET reads one small
// row (the hash) and, on a hit, sends bytes it already has. Keyed by hash,
// an entry can never be stale, whichever daemon changed the photo.
// Least recently used entries go once `capacity_bytes` is passed.
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace memberd::photo {

class RenditionCache {
 public:
  explicit RenditionCache(std::size_t capacity_bytes) : capacity_(capacity_bytes) {}
  // The bytes with this hash, or null. Thread-safe.
  std::shared_ptr<const std::string> find(const std::string& sha256);
  // Keeps `bytes` under its hash (nothing when larger than the capacity).
  void keep(const std::string& sha256, std::shared_ptr<const std::string> bytes);

 private:
  struct Entry {
    std::string sha256;
    std::shared_ptr<const std::string> bytes;
  };
  std::size_t capacity_, used_ = 0;
  std::mutex mutex_;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace memberd::photo
