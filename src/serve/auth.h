// API keys: read from a file (one key per line; blank lines and lines starting with '#' are
// skipped) and/or the FERRY_API_KEYS variable (comma-separated), sent by clients as
// "Authorization: Bearer <key>". Admin routes always need a key, and are refused when no key
// is configured; prediction routes need one when the model or the server asks for it.
// Immutable once made; thread-safe.
#ifndef FERRY_SERVE_AUTH_H_
#define FERRY_SERVE_AUTH_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "serve/http_types.h"

namespace ferry::serve {

class ApiKeys {
 public:
  ApiKeys() = default;
  // `file` may be "" (none); `env` is FERRY_API_KEYS's value or "". Fails when the file cannot
  // be read or holds no key.
  static absl::StatusOr<ApiKeys> Load(const std::string& file, std::string_view env);
  static ApiKeys FromList(std::vector<std::string> keys);

  bool empty() const { return keys_.empty(); }
  size_t size() const { return keys_.size(); }

  // OK when the request carries a configured key. Unauthenticated (401) when the header is
  // missing or malformed or the key is unknown; PermissionDenied (403) for an admin route when
  // no key is configured at all.
  absl::Status Check(const Request& request, bool admin_route) const;

 private:
  bool Contains(std::string_view key) const;
  std::vector<std::string> keys_;
};

}  // namespace ferry::serve

#endif  // FERRY_SERVE_AUTH_H_
