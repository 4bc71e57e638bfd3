#pragma once
// soci::row::get<T> is strict about the column's type, and the backends
// disagree on it (SQLite reports INTEGER PRIMARY KEY as int, PostgreSQL's
// BIGSERIAL as long long, and aggregates sometimes as text). Read integers
// through this instead.
#include <soci/soci.h>

#include <cstdint>
#include <string>

namespace memberd {

inline std::int64_t row_int64(const soci::row& row, std::size_t column) {
  switch (row.get_properties(column).get_data_type()) {
    case soci::dt_integer: return row.get<int>(column);
    case soci::dt_long_long: return row.get<long long>(column);
    case soci::dt_unsigned_long_long: return static_cast<std::int64_t>(row.get<unsigned long long>(column));
    case soci::dt_double: return static_cast<std::int64_t>(row.get<double>(column));
    case soci::dt_string: return std::stoll(row.get<std::string>(column));
    default: throw std::bad_cast();
  }
}

}  // namespace memberd
