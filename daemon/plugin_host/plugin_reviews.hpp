#pragma once
// The review queue as a plugin gets it (Host::reviews()): a plugin reaches
// only kinds of its own — its name, or "<name>.<word>" (std::logic_error
// otherwise) — so one plugin cannot fill another's queue or receive its
// decisions under its kind. The queue behind it catches at its own
// boundary (storage/service_boundary.hpp).
#include <memberd/host.hpp>

#include <string>

namespace memberd {

class PluginReviews final : public Reviews {
 public:
  PluginReviews(Reviews& queue, std::string plugin) : queue_(queue), plugin_(std::move(plugin)) {}
  Result<ReviewReceipt> submit(UnitOfWork& work, std::string_view kind, std::string_view member_id,
                               const nlohmann::json& pending, const nlohmann::json& published,
                               std::chrono::seconds review_window) override;
  Result<std::optional<ReviewRevision>> pending(UnitOfWork& work, std::string_view kind,
                                                std::string_view member_id) override;
  Result<std::optional<ReviewRevision>> last_decision(UnitOfWork& work, std::string_view kind,
                                                      std::string_view member_id) override;
  Result<bool> withdraw(UnitOfWork& work, std::string_view kind, std::string_view member_id) override;

 private:
  void check_kind(std::string_view kind, const char* call) const;
  Reviews& queue_;
  std::string plugin_;
};

}  // namespace memberd
