// PLAIN and BYTE_STREAM_SPLIT decoding of non-null values into PhysicalValues, the typed
// form every encoding decodes to before values become ferry Values; PLAIN encoding helpers
// for the writer. Decoders check each length against the bytes present.
#ifndef FERRY_IO_PARQUET_PLAIN_H_
#define FERRY_IO_PARQUET_PLAIN_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "io/parquet/metadata.h"

namespace ferry::parquet {

// Decoded values of one page, in the vector that matches the physical type.
struct PhysicalValues {
  std::vector<int64_t> ints;            // BOOLEAN (0/1), INT32, INT64
  std::vector<double> doubles;          // FLOAT, DOUBLE
  std::vector<std::string_view> bytes;  // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, INT96
  std::deque<std::string> storage;      // owns bytes that are not views into the page

  size_t size(PhysicalType type) const;
  void clear();
};

// Byte width of a fixed-width physical type (FLBA: type_length); 0 for BYTE_ARRAY, and
// BOOLEAN (bits).
size_t FixedWidth(PhysicalType type, int32_t type_length);

// Decodes `count` PLAIN values from `data`. Views point into `data`; `*consumed` gets the
// bytes used.
absl::Status DecodePlain(PhysicalType type, int32_t type_length, std::string_view data,
                         size_t count, PhysicalValues* out, size_t* consumed);

// Decodes `count` BYTE_STREAM_SPLIT values (FLOAT, DOUBLE, INT32, INT64, FLBA).
absl::Status DecodeByteStreamSplit(PhysicalType type, int32_t type_length, std::string_view data,
                                   size_t count, PhysicalValues* out);

// PLAIN encoders for the writer.
void AppendPlainInt32(int32_t v, std::string* out);
void AppendPlainInt64(int64_t v, std::string* out);
void AppendPlainDouble(double v, std::string* out);
void AppendPlainByteArray(std::string_view v, std::string* out);
// Bit-packs booleans LSB-first.
void AppendPlainBooleans(const std::vector<bool>& values, std::string* out);

}  // namespace ferry::parquet

#endif  // FERRY_IO_PARQUET_PLAIN_H_
