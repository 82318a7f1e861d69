#include "io/read_buffer.h"

#include <cstring>

namespace ferry::io {

ReadBuffer::ReadBuffer(std::unique_ptr<ByteSource> source, size_t block_size)
    : source_(std::move(source)), block_size_(block_size < 16 ? 16 : block_size) {}

absl::StatusOr<bool> ReadBuffer::Refill() {
  if (eof_) return false;
  size_t live = end_ - begin_;
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
