// Page compression codecs: UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW, and the legacy LZ4
// (Hadoop framing, with a raw-block fallback) for reading. Decompress never produces more
// than the size the page header claims, which the caller has already bounded.
#ifndef FERRY_IO_PARQUET_COMPRESSION_H_
#define FERRY_IO_PARQUET_COMPRESSION_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace ferry::parquet {

enum class Codec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7,
};

// "SNAPPY", "ZSTD"... or "codec 42" for unknown values.
std::string CodecName(int32_t codec);

// Decompresses `input` into exactly `uncompressed_size` bytes; a different size is an error.
absl::StatusOr<std::string> Decompress(Codec codec, std::string_view input,
                                       size_t uncompressed_size);

// Compresses with `codec` (UNCOMPRESSED, SNAPPY, GZIP, ZSTD or LZ4_RAW). `level` 0 means
// the codec's default.
absl::StatusOr<std::string> Compress(Codec codec, std::string_view input, int level = 0);

}  // namespace ferry::parquet

#endif  // FERRY_IO_PARQUET_COMPRESSION_H_
