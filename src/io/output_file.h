// OutputFile: bytes written to a file (created or truncated) or to standard output ("-").
// Write() sends the bytes straight to the descriptor; callers batch their text (a chunk of
// lines at a time). Close() reports a failed final write or close. Not thread-safe.
#ifndef FERRY_IO_OUTPUT_FILE_H_
#define FERRY_IO_OUTPUT_FILE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ferry::io {

class OutputFile {
 public:
  // Opens `path` for writing ("-" = standard output). The error names the path and the cause.
  static absl::StatusOr<std::unique_ptr<OutputFile>> Open(const std::string& path);
  ~OutputFile();  // closes the file if Close() was not called, ignoring errors

  absl::Status Write(std::string_view bytes);
  absl::Status Close();

  const std::string& name() const { return name_; }

 private:
  OutputFile(int fd, bool owned, std::string name)
      : fd_(fd), owned_(owned), name_(std::move(name)) {}
  int fd_;
  bool owned_;
  std::string name_;
};

}  // namespace ferry::io

#endif  // FERRY_IO_OUTPUT_FILE_H_
