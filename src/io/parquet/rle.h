// The RLE / bit-packed hybrid encoding of definition levels, dictionary indices and RLE
// booleans: runs of one repeated value, or groups of 8 values packed LSB-first at a fixed
// bit width. The decoder streams over bytes owned by the caller; the encoder appends.
#ifndef FERRY_IO_PARQUET_RLE_H_
#define FERRY_IO_PARQUET_RLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace ferry::parquet {

class RleBitPackedDecoder {
 public:
  // REQUIRES: 0 <= bit_width <= 32 (checked by Decode).
  RleBitPackedDecoder(std::string_view data, int bit_width) : data_(data), width_(bit_width) {}

  // Appends exactly `n` values to `out`; an error if the data ends first.
  absl::Status Decode(size_t n, std::vector<uint32_t>* out);

 private:
  absl::Status NextRun();

  std::string_view data_;
  int width_;
  size_t pos_ = 0;
  size_t rle_left_ = 0;
  uint32_t rle_value_ = 0;
  size_t packed_left_ = 0;  // values left in the current bit-packed run
  size_t packed_bit_ = 0;   // bit offset of the next packed value in data_
};

// Smallest number of bits that holds `max_value`.
int BitWidthOf(uint64_t max_value);

// Appends the hybrid encoding of `values` (no length prefix).
void EncodeRleBitPacked(const std::vector<uint32_t>& values, int bit_width, std::string* out);

// Reads `width` (<= 64) bits at `bit_offset` of `data`, LSB-first. REQUIRES: in bounds.
uint64_t ReadPackedBits(const uint8_t* data, size_t bit_offset, int width);

}  // namespace ferry::parquet

#endif  // FERRY_IO_PARQUET_RLE_H_
