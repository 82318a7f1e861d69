// File sources use pread so reads at any offset need no seek state.
#include "io/parquet/source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace ferry::parquet {
namespace {

class FileSource : public RandomAccessSource {
 public:
  FileSource(int fd, uint64_t size, std::string name)
      : fd_(fd), size_(size), name_(std::move(name)) {}
  ~FileSource() override { close(fd_); }
  uint64_t size() const override { return size_; }
  const std::string& name() const override { return name_; }
  absl::Status ReadAt(uint64_t offset, size_t n, std::string* out) override {
    if (offset > size_ || n > size_ - offset) {
      return absl::OutOfRangeError(absl::StrCat(name_, ": read of ", n, " bytes at ", offset,
                                                " is past the end (", size_, " bytes)"));
    }
    out->resize(n);
    size_t done = 0;
    while (done < n) {
      ssize_t got = pread(fd_, out->data() + done, n - done, static_cast<off_t>(offset + done));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        return absl::UnavailableError(
            absl::StrCat(name_, ": read failed at byte ", offset + done, ": ",
                         got == 0 ? "unexpected end of file" : std::strerror(errno)));
      }
      done += static_cast<size_t>(got);
    }
    return absl::OkStatus();
  }

 private:
  int fd_;
  uint64_t size_;
  std::string name_;
};

class StringSource : public RandomAccessSource {
 public:
  StringSource(std::string bytes, std::string name)
      : bytes_(std::move(bytes)), name_(std::move(name)) {}
  uint64_t size() const override { return bytes_.size(); }
  const std::string& name() const override { return name_; }
  absl::Status ReadAt(uint64_t offset, size_t n, std::string* out) override {
    if (offset > bytes_.size() || n > bytes_.size() - offset) {
      return absl::OutOfRangeError(absl::StrCat(name_, ": read past the end"));
    }
    out->assign(bytes_, offset, n);
    return absl::OkStatus();
  }

 private:
  std::string bytes_;
  std::string name_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<RandomAccessSource>> OpenFileSource(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    auto message = absl::StrCat("cannot open ", path, ": ", std::strerror(err));
    if (err == ENOENT) return absl::NotFoundError(message);
    return absl::UnavailableError(message);
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return absl::InvalidArgumentError(absl::StrCat(path, " is not a regular file"));
  }
  return std::make_unique<FileSource>(fd, static_cast<uint64_t>(st.st_size), path);
}

std::unique_ptr<RandomAccessSource> MemorySource(std::string bytes, std::string name) {
  return std::make_unique<StringSource>(std::move(bytes), std::move(name));
}

}  // namespace ferry::parquet
