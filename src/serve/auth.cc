#include "serve/auth.h"

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "serve/sv.h"

namespace ferry::serve {

absl::StatusOr<ApiKeys> ApiKeys::Load(const std::string& file, std::string_view env) {
  std::vector<std::string> keys;
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) {
      return absl::NotFoundError(Cat("--api-key-file ", file, ": cannot be read"));
    }
    std::string line;
    size_t found = 0;
    while (std::getline(in, line)) {
      absl::string_view key = absl::StripAsciiWhitespace(line);
      if (key.empty() || key[0] == '#') continue;
      keys.emplace_back(key);
      ++found;
    }
    if (found == 0) {
      return absl::InvalidArgumentError(
          Cat("--api-key-file ", file, ": holds no key (write one key per line)"));
    }
  }
  for (absl::string_view key : absl::StrSplit(Sv(env), ',')) {
    key = absl::StripAsciiWhitespace(key);
    if (!key.empty()) keys.emplace_back(key);
  }
  return FromList(std::move(keys));
}

ApiKeys ApiKeys::FromList(std::vector<std::string> keys) {
  ApiKeys out;
  out.keys_ = std::move(keys);
  return out;
}

bool ApiKeys::Contains(std::string_view key) const {
  bool found = false;
  for (const std::string& k : keys_) {
    // Compare every byte of equal-length keys, so timing says nothing about a near miss.
    if (k.size() != key.size()) continue;
    unsigned char diff = 0;
    for (size_t i = 0; i < k.size(); ++i) diff |= static_cast<unsigned char>(k[i] ^ key[i]);
    found |= diff == 0;
  }
  return found;
}

absl::Status ApiKeys::Check(const Request& request, bool admin_route) const {
  if (keys_.empty()) {
    if (!admin_route) return absl::OkStatus();
    return absl::PermissionDeniedError(
        "admin routes are disabled because no API key is configured; start ferry serve with "
        "--api-key-file FILE or FERRY_API_KEYS=key1,key2");
  }
  std::string_view header = request.header("authorization");
  if (header.empty()) {
    return absl::UnauthenticatedError(
        "this route needs an API key: send the header 'Authorization: Bearer <key>'");
  }
  if (header.size() < 7 || !absl::EqualsIgnoreCase(Sv(header.substr(0, 7)), "bearer ")) {
    return absl::UnauthenticatedError("the Authorization header must be 'Bearer <key>'");
  }
  if (!Contains(Std(absl::StripAsciiWhitespace(Sv(header.substr(7)))))) {
    return absl::UnauthenticatedError("the API key is not valid");
  }
  return absl::OkStatus();
}

}  // namespace ferry::serve
