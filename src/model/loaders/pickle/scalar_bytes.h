// Reading single numpy elements from raw bytes, byte-order helpers and UCS-4/UTF-8 conversion.
// Internal to the unpickler; callers guarantee the pointer addresses dtype.itemsize bytes.
#ifndef FERRY_MODEL_LOADERS_PICKLE_SCALAR_BYTES_H_
#define FERRY_MODEL_LOADERS_PICKLE_SCALAR_BYTES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "model/loaders/pickle/object.h"

namespace ferry::pickle {

// The public API speaks std::string_view; Debian's Abseil has its own string_view type.
inline absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Floats of 2, 4 or 8 bytes, integers of 1, 2, 4 or 8 bytes, bool.
bool IsNumericScalar(const Dtype& dtype);
// Integers of 1, 2, 4 or 8 bytes, bool.
bool IsIntegerScalar(const Dtype& dtype);

// REQUIRES: IsNumericScalar(dtype) / IsIntegerScalar(dtype).
double ScalarAsDouble(const char* p, const Dtype& dtype);
int64_t ScalarAsInt(const char* p, const Dtype& dtype);

// Reverses each `width`-byte group of `bytes` in place.
void SwapEachElement(char* bytes, size_t count, int width);

// Appends the UTF-8 encoding of a code point (REQUIRES: cp <= 0x10FFFF).
void AppendUtf8(uint32_t cp, std::string* out);
// numpy 'U' element: UCS-4 code units, trailing NULs dropped.
absl::StatusOr<std::string> Ucs4ToUtf8(absl::string_view raw, bool big_endian);
// Python's str.encode('latin-1') of a UTF-8 string: every code point must be below 256.
absl::StatusOr<std::string> Utf8ToLatin1(absl::string_view utf8);

}  // namespace ferry::pickle

#endif  // FERRY_MODEL_LOADERS_PICKLE_SCALAR_BYTES_H_
