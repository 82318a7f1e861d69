// RandomAccessSource: positioned reads from a file (pread) or from bytes in memory, for
// the Parquet reader, which reads the footer first and then only the pages it needs.
// Not thread-safe; one reader owns its source.
#ifndef FERRY_IO_PARQUET_SOURCE_H_
#define FERRY_IO_PARQUET_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ferry::parquet {

class RandomAccessSource {
 public:
  virtual ~RandomAccessSource() = default;
  virtual uint64_t size() const = 0;
  // Replaces `*out` with the `n` bytes at `offset`. REQUIRES: offset + n <= size().
  virtual absl::Status ReadAt(uint64_t offset, size_t n, std::string* out) = 0;
  // The path, or "memory", for messages.
  virtual const std::string& name() const = 0;
};

// Opens a regular file; the error names the path and the cause.
absl::StatusOr<std::unique_ptr<RandomAccessSource>> OpenFileSource(const std::string& path);
std::unique_ptr<RandomAccessSource> MemorySource(std::string bytes, std::string name = "memory");

}  // namespace ferry::parquet

#endif  // FERRY_IO_PARQUET_SOURCE_H_
