// joblib's compressed containers: detection by magic bytes and bounded decompression.
// joblib writes the compressed stream directly (no header of its own) for zlib, gzip, bz2,
// xz, lzma (the legacy .lzma "alone" format) and lz4 (LZ4 frame format).
#ifndef FERRY_MODEL_LOADERS_PICKLE_JOBLIB_CONTAINER_H_
#define FERRY_MODEL_LOADERS_PICKLE_JOBLIB_CONTAINER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ferry::pickle {

enum class Compression { kNone, kZlib, kGzip, kBz2, kXz, kLzma, kLz4 };

// kNone when the bytes start with no known compression magic.
Compression DetectCompression(absl::string_view bytes);
absl::string_view CompressionName(Compression c);  // "zlib", "gzip", ...

// The decompressed bytes; an error if the stream is corrupt or truncated, or would expand
// beyond max_output bytes.
absl::StatusOr<std::string> Decompress(absl::string_view bytes, Compression c, int64_t max_output);

}  // namespace ferry::pickle

#endif  // FERRY_MODEL_LOADERS_PICKLE_JOBLIB_CONTAINER_H_
