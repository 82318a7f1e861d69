// AccessLog: one JSON line per answered request (opt-in: --access-log FILE, "-" for stderr):
// {"time":"2026-01-02T03:04:05.678Z","remote":"127.0.0.1","method":"POST","path":"/v1/...",
//  "status":200,"route":"v1_predict","model":"m","version":"1","duration_us":85,
//  "bytes_in":120,"bytes_out":230}. Thread-safe; each line is written whole.
#ifndef FERRY_SERVE_ACCESS_LOG_H_
#define FERRY_SERVE_ACCESS_LOG_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "serve/http_types.h"

namespace ferry::serve {

class AccessLog {
 public:
  // "-" writes to stderr; a path is opened for appending.
  static absl::StatusOr<std::unique_ptr<AccessLog>> Open(const std::string& where);
  ~AccessLog();

  void Write(std::string_view remote, std::string_view method, std::string_view path,
             const Response& response, int64_t duration_us, size_t bytes_in, size_t bytes_out);

 private:
  explicit AccessLog(std::FILE* file, bool owned) : file_(file), owned_(owned) {}
  std::mutex mu_;
  std::FILE* file_;
  bool owned_;
};

}  // namespace ferry::serve

#endif  // FERRY_SERVE_ACCESS_LOG_H_
