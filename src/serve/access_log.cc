#include "serve/access_log.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "io/json_writer.h"
#include "serve/sv.h"

namespace ferry::serve {

absl::StatusOr<std::unique_ptr<AccessLog>> AccessLog::Open(const std::string& where) {
  if (where == "-") return std::unique_ptr<AccessLog>(new AccessLog(stderr, false));
  std::FILE* file = std::fopen(where.c_str(), "a");
  if (file == nullptr) {
    return absl::InvalidArgumentError(
        Cat("--access-log ", where, ": cannot be opened: ", std::strerror(errno)));
  }
  return std::unique_ptr<AccessLog>(new AccessLog(file, true));
}

AccessLog::~AccessLog() {
  if (owned_) std::fclose(file_);
}

void AccessLog::Write(std::string_view remote, std::string_view method, std::string_view path,
                      const Response& response, int64_t duration_us, size_t bytes_in,
                      size_t bytes_out) {
  std::string line;
  io::JsonWriter w(&line);
  w.BeginObject()
      .Key("time")
      .String(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()))
      .Key("remote")
      .String(remote)
      .Key("method")
      .String(method)
      .Key("path")
      .String(path)
      .Key("status")
      .Int(response.status)
      .Key("route")
      .String(response.route)
      .Key("model")
      .String(response.model)
      .Key("version")
      .String(response.version)
      .Key("duration_us")
      .Int(duration_us)
      .Key("bytes_in")
      .Int(static_cast<int64_t>(bytes_in))
      .Key("bytes_out")
      .Int(static_cast<int64_t>(bytes_out))
      .EndObject();
  line += '\n';
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

}  // namespace ferry::serve
