// Debian's Abseil has its own absl::string_view (not std::string_view), and simdjson and the
// JSON writer use std::string_view: these convert at the boundaries of the serve code. Cat and
// Append are absl::StrCat / StrAppend that also take std::string_view arguments.
#ifndef FERRY_SERVE_SV_H_
#define FERRY_SERVE_SV_H_

#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace ferry::serve {

inline absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view Std(absl::string_view s) { return std::string_view(s.data(), s.size()); }

template <typename T>
decltype(auto) AbslArg(const T& value) {
  if constexpr (std::is_same_v<T, std::string_view>) {
    return Sv(value);
  } else {
    return (value);
  }
}

template <typename... Args>
std::string Cat(const Args&... args) {
  return absl::StrCat(AbslArg(args)...);
}

template <typename... Args>
void Append(std::string* out, const Args&... args) {
  absl::StrAppend(out, AbslArg(args)...);
}

}  // namespace ferry::serve

#endif  // FERRY_SERVE_SV_H_
