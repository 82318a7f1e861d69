// Run headers are ULEB128 varints: low bit 1 = bit-packed (header >> 1 groups of 8 values),
// low bit 0 = RLE (header >> 1 repeats of one value stored in ceil(width / 8) bytes).
#include "io/parquet/rle.h"

#include <cstring>

#include "absl/strings/str_cat.h"

namespace ferry::parquet {

uint64_t ReadPackedBits(const uint8_t* data, size_t bit_offset, int width) {
  uint64_t v = 0;
  int got = 0;
  size_t byte = bit_offset / 8;
  int shift = static_cast<int>(bit_offset % 8);
  while (got < width) {
    uint64_t bits = static_cast<uint64_t>(data[byte] >> shift);
    int take = 8 - shift;
    v |= bits << got;
    got += take;
    shift = 0;
    ++byte;
  }
  return width == 64 ? v : v & ((uint64_t{1} << width) - 1);
}

int BitWidthOf(uint64_t max_value) {
  int w = 0;
  while (max_value != 0) {
    ++w;
    max_value >>= 1;
  }
  return w;
}

absl::Status RleBitPackedDecoder::NextRun() {
  uint64_t header = 0;
  for (int shift = 0;; shift += 7) {
    if (pos_ >= data_.size() || shift > 35) {
      return absl::InvalidArgumentError(
          absl::StrCat("RLE/bit-packed data ends (or has a bad run header) at byte ", pos_, " of ",
                       data_.size()));
    }
    uint8_t b = static_cast<uint8_t>(data_[pos_++]);
    header |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) break;
  }
  if (header & 1) {
    size_t groups = header >> 1;
    size_t bytes = groups * width_;
    size_t available = data_.size() - pos_;
    // A final run may be cut short; keep only whole values that are present.
    if (bytes > available) bytes = available;
    packed_left_ = width_ == 0 ? groups * 8 : std::min(groups * 8, bytes * 8 / width_);
    packed_bit_ = pos_ * 8;
    pos_ += bytes;
    if (packed_left_ == 0 && groups != 0) {
      return absl::InvalidArgumentError("bit-packed run has no data");
    }
  } else {
    rle_left_ = header >> 1;
    size_t nbytes = (width_ + 7) / 8;
    if (data_.size() - pos_ < nbytes) {
      return absl::InvalidArgumentError("RLE run value is truncated");
    }
    uint32_t v = 0;
    for (size_t i = 0; i < nbytes; ++i) {
      v |= static_cast<uint32_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
    }
    pos_ += nbytes;
    rle_value_ = v;
  }
  return absl::OkStatus();
}

absl::Status RleBitPackedDecoder::Decode(size_t n, std::vector<uint32_t>* out) {
  if (width_ < 0 || width_ > 32) {
    return absl::InvalidArgumentError(absl::StrCat("bit width ", width_, " is above 32"));
  }
  out->reserve(out->size() + n);
  const auto* base = reinterpret_cast<const uint8_t*>(data_.data());
  while (n > 0) {
    if (rle_left_ > 0) {
      size_t take = std::min(rle_left_, n);
      out->insert(out->end(), take, rle_value_);
      rle_left_ -= take;
      n -= take;
    } else if (packed_left_ > 0) {
      size_t take = std::min(packed_left_, n);
      const uint64_t mask = (uint64_t{1} << width_) - 1;
      for (size_t i = 0; i < take; ++i) {
        size_t byte = packed_bit_ / 8;
        uint32_t v = 0;
        if (width_ != 0 && byte + 8 <= data_.size()) {
          uint64_t word;  // width <= 32 and shift <= 7 fit in one 64-bit load
          std::memcpy(&word, base + byte, 8);
          v = static_cast<uint32_t>((word >> (packed_bit_ % 8)) & mask);
        } else if (width_ != 0) {
          v = static_cast<uint32_t>(ReadPackedBits(base, packed_bit_, width_));
        }
        out->push_back(v);
        packed_bit_ += width_;
      }
      packed_left_ -= take;
      n -= take;
    } else if (auto s = NextRun(); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

namespace {

void Varint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void FlushPacked(const std::vector<uint32_t>& pending, int width, std::string* out) {
  if (pending.empty()) return;
  size_t groups = pending.size() / 8;  // pending is always whole groups
  Varint((groups << 1) | 1, out);
  uint64_t acc = 0;
  int bits = 0;
  for (uint32_t v : pending) {
    acc |= static_cast<uint64_t>(v) << bits;
    bits += width;
    while (bits >= 8) {
      out->push_back(static_cast<char>(acc & 0xff));
      acc >>= 8;
      bits -= 8;
    }
  }
  // Whole groups of 8 values fill whole bytes, so nothing is left in `acc`.
}

}  // namespace

void EncodeRleBitPacked(const std::vector<uint32_t>& values, int bit_width, std::string* out) {
  std::vector<uint32_t> pending;
  size_t i = 0;
  const size_t n = values.size();
  while (i < n) {
    size_t run = 1;
    while (i + run < n && values[i + run] == values[i]) ++run;
    if (run >= 8) {
      FlushPacked(pending, bit_width, out);
      pending.clear();
      Varint(static_cast<uint64_t>(run) << 1, out);
      for (int b = 0; b < (bit_width + 7) / 8; ++b) {
        out->push_back(static_cast<char>((values[i] >> (8 * b)) & 0xff));
      }
      i += run;
      continue;
    }
    // A group of 8 literals (the last one padded with zeros).
    for (size_t k = 0; k < 8; ++k) pending.push_back(i + k < n ? values[i + k] : 0);
    i += 8;
    if (pending.size() == 8 * 63) {
      FlushPacked(pending, bit_width, out);
      pending.clear();
    }
  }
  FlushPacked(pending, bit_width, out);
}

}  // namespace ferry::parquet
