#include "io/output_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace ferry::io {

absl::StatusOr<std::unique_ptr<OutputFile>> OutputFile::Open(const std::string& path) {
  if (path == "-") {
    return std::unique_ptr<OutputFile>(new OutputFile(STDOUT_FILENO, false, "standard output"));
  }
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot create output file '", path, "': ", std::strerror(errno)));
  }
  return std::unique_ptr<OutputFile>(new OutputFile(fd, true, path));
}

OutputFile::~OutputFile() {
  if (owned_ && fd_ >= 0) close(fd_);
}

absl::Status OutputFile::Write(std::string_view bytes) {
  if (fd_ < 0) return absl::FailedPreconditionError(absl::StrCat(name_, " is already closed"));
  while (!bytes.empty()) {
    ssize_t n = write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::DataLossError(
          absl::StrCat("cannot write to ", name_, ": ", std::strerror(errno)));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::Status OutputFile::Close() {
  if (fd_ < 0) return absl::OkStatus();
  int fd = fd_;
  fd_ = -1;
  if (!owned_) return absl::OkStatus();
  if (close(fd) != 0) {
    return absl::DataLossError(
        absl::StrCat("cannot finish writing ", name_, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace ferry::io
