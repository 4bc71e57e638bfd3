#pragma once
// --- SDK 2.16 ---
// The usual body of MemberDataProvider::erase_member (memberd/member_data.hpp)
// for tables keyed by `member_id`:
//
//   return erase_member_rows(work, member_id, {"greetings", "mottos"});
#include <memberd/database.hpp>

#include <initializer_list>
#include <string>
#include <string_view>

namespace memberd {

// For erase_member: deletes the member's rows (`member_id = :m`) from each
// of `tables`, in a write transaction of its own that it commits. The table
// names are the plugin's own constants, never input. DB: writes.
// Fails: busy, unavailable.
inline Result<void> erase_member_rows(UnitOfWork& work, std::string_view member_id,
                                      std::initializer_list<std::string_view> tables) {
  auto tx = WriteTransaction::open(work);
  if (!tx) return tx.failure();
  const std::string id(member_id);
  for (auto table : tables) tx->sql() << "DELETE FROM " << table << " WHERE member_id = :m", soci::use(id);
  return tx->commit();
}

}  // namespace memberd
