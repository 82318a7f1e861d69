#include "serve/http_types.h"

#include "absl/strings/ascii.h"
#include "serve/sv.h"

namespace ferry::serve {

std::string_view Request::header(std::string_view name) const {
  auto it = headers.find(Sv(name));
  return it == headers.end() ? std::string_view() : std::string_view(it->second);
}

std::string Request::media_type() const {
  std::string_view value = header("content-type");
  value = value.substr(0, value.find(';'));
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(Sv(value)));
}

}  // namespace ferry::serve
