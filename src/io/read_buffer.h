// ReadBuffer: the unconsumed bytes of a ByteSource, refilled in blocks. Readers look at
// data()/size(), Consume() what they used and Refill() when a record runs past the end.
// The buffer only grows to hold the longest record, so memory stays bounded. Always keeps
// kPadding readable bytes after the data (simdjson reads up to that far past a document).
#ifndef FERRY_IO_READ_BUFFER_H_
#define FERRY_IO_READ_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "io/byte_source.h"

namespace ferry::io {

class ReadBuffer {
 public:
  static constexpr size_t kPadding = 64;
  static constexpr size_t kDefaultBlock = 1 << 20;

  // Refill fails (ResourceExhausted) rather than hold more than `max_live_bytes` unconsumed
  // bytes, i.e. a record longer than that: input without line ends cannot take all memory.
  explicit ReadBuffer(std::unique_ptr<ByteSource> source, size_t block_size = kDefaultBlock,
                      size_t max_live_bytes = SIZE_MAX);

  const char* data() const { return storage_.data() + begin_; }
  size_t size() const { return end_ - begin_; }
  bool eof() const { return eof_; }
  const ByteSource& source() const { return *source_; }

  // Drops the first `n` unconsumed bytes. REQUIRES: n <= size().
  void Consume(size_t n) { begin_ += n; }

  // Moves the unconsumed bytes to the front and reads one more block after them (growing the
  // storage when it is full). Returns false once the source is exhausted.
  absl::StatusOr<bool> Refill();

 private:
  std::unique_ptr<ByteSource> source_;
  size_t block_size_;
  size_t max_live_bytes_;
  std::vector<char> storage_;  // capacity for data plus kPadding
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
};

}  // namespace ferry::io

#endif  // FERRY_IO_READ_BUFFER_H_
