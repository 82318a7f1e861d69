// Helpers private to the Parquet code: early return on a bad Status, string_view bridging.
#ifndef FERRY_IO_PARQUET_STATUS_MACROS_H_
#define FERRY_IO_PARQUET_STATUS_MACROS_H_

#include <string_view>

#include "absl/strings/string_view.h"

// Debian's Abseil has its own string_view type; StrCat needs it.
inline absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

#define PQ_RETURN_IF_ERROR(expr)                          \
  do {                                                    \
    if (absl::Status _st = (expr); !_st.ok()) return _st; \
  } while (0)

#endif  // FERRY_IO_PARQUET_STATUS_MACROS_H_
