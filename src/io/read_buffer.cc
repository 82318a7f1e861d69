#include "io/read_buffer.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace ferry::io {

ReadBuffer::ReadBuffer(std::unique_ptr<ByteSource> source, size_t block_size, size_t max_live_bytes)
    : source_(std::move(source)),
      block_size_(block_size < 16 ? 16 : block_size),
      max_live_bytes_(max_live_bytes) {}

absl::StatusOr<bool> ReadBuffer::Refill() {
  if (eof_) return false;
  size_t live = end_ - begin_;
  if (live >= max_live_bytes_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        source_->name(), ": a record is longer than ", max_live_bytes_,
        " bytes (no end of line found); check that the input is CSV or JSON lines"));
  }
  if (begin_ > 0) {
    std::memmove(storage_.data(), storage_.data() + begin_, live);
    begin_ = 0;
    end_ = live;
  }
  // Room for at least one block after the live bytes, plus the padding.
  size_t wanted = live + block_size_ + kPadding;
  if (storage_.size() < wanted) storage_.resize(std::max(wanted, storage_.size() * 2));
  size_t room = storage_.size() - kPadding - end_;
  auto got = source_->Read(storage_.data() + end_, room);
  if (!got.ok()) return got.status();
  if (*got == 0) {
    eof_ = true;
    return false;
  }
  end_ += *got;
  std::memset(storage_.data() + end_, 0, kPadding);
  return true;
}

}  // namespace ferry::io
