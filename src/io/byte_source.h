// ByteSource: a forward-only stream of bytes (a file, standard input or memory) that readers
// pull from in blocks. Sources are not thread-safe; each reader owns its source.
#ifndef FERRY_IO_BYTE_SOURCE_H_
#define FERRY_IO_BYTE_SOURCE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace ferry::io {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `buf`; returns how many were read, 0 only at end of input.
  virtual absl::StatusOr<size_t> Read(char* buf, size_t n) = 0;
  // What the bytes come from, for messages: a path, "standard input" or "memory".
  virtual const std::string& name() const = 0;
};

// Opens a file for reading; "-" means standard input. The error names the path and the cause.
absl::StatusOr<std::unique_ptr<ByteSource>> OpenByteSource(const std::string& path);

// A source over bytes held in memory (tests, request bodies, fuzzing).
std::unique_ptr<ByteSource> StringByteSource(std::string bytes, std::string name = "memory");

// A source that yields `prefix` first, then the rest of `rest`. Lets a caller look at the
// first bytes of a non-seekable stream (to sniff its format) and still hand all of it on.
std::unique_ptr<ByteSource> PrefixedByteSource(std::string prefix,
                                               std::unique_ptr<ByteSource> rest);

}  // namespace ferry::io

#endif  // FERRY_IO_BYTE_SOURCE_H_
