// The DELTA_* encodings, decode only: DELTA_BINARY_PACKED (integers as bit-packed deltas in
// blocks of miniblocks), DELTA_LENGTH_BYTE_ARRAY (delta-packed lengths, then the bytes) and
// DELTA_BYTE_ARRAY (shared-prefix lengths, then suffixes). Counts are bounded by the caller.
#ifndef FERRY_IO_PARQUET_DELTA_H_
#define FERRY_IO_PARQUET_DELTA_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace ferry::parquet {

// Decodes one DELTA_BINARY_PACKED stream holding at most `max_values` values, appending them
// to `out`; `*consumed` gets the bytes the stream took. Arithmetic wraps like the writer's.
absl::Status DecodeDeltaBinaryPacked(std::string_view data, size_t max_values,
                                     std::vector<int64_t>* out, size_t* consumed);

// Decodes `count` byte arrays; the views point into `data`.
absl::Status DecodeDeltaLengthByteArray(std::string_view data, size_t count,
                                        std::vector<std::string_view>* out, size_t* consumed);

// Decodes `count` byte arrays into `storage`, appending views of them to `out`; the values
// may total at most `max_bytes` (shared prefixes let a small page expand).
absl::Status DecodeDeltaByteArray(std::string_view data, size_t count, size_t max_bytes,
                                  std::deque<std::string>* storage,
                                  std::vector<std::string_view>* out);

}  // namespace ferry::parquet

#endif  // FERRY_IO_PARQUET_DELTA_H_
