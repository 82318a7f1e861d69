// Interpreting numpy's pickled forms without numpy: dtypes from their reduce arguments and
// BUILD state, arrays from raw bytes (size-checked before any allocation, Fortran order
// transposed to C order, big-endian data swapped to native order). Errors carry no byte
// offset; the unpickler adds it.
#ifndef FERRY_MODEL_LOADERS_PICKLE_NUMPY_CODEC_H_
#define FERRY_MODEL_LOADERS_PICKLE_NUMPY_CODEC_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "model/loaders/pickle/object.h"

namespace ferry::pickle {

inline constexpr int32_t kMaxDtypeNesting = 16;
inline constexpr int kMaxArrayDims = 64;

// numpy.dtype('f8' | '<i4' | 'V64' | 'O8' | 'U3' | 'b1' ...).
absl::StatusOr<std::shared_ptr<Dtype>> DtypeFromTypeString(absl::string_view type);
// dtype.__setstate__: (version, byteorder, subarray, names, fields, elsize, alignment, flags
// [, metadata]).
absl::Status ApplyDtypeState(const Object& state, Dtype* dtype);

// True for object dtypes and structured dtypes with an object field at any level: numpy and
// joblib store such arrays as lists of objects, never as raw bytes.
bool HasObjects(const Dtype& dtype);

// A shape tuple/list (or a single int): every dimension >= 0, at most kMaxArrayDims, and the
// element count times itemsize must fit in int64.
absl::StatusOr<std::vector<int64_t>> ShapeFromObject(const Object& shape);
// Element count * itemsize, or an error if it overflows.
absl::StatusOr<int64_t> ArrayByteSize(const Dtype& dtype, const std::vector<int64_t>& shape);

// A numeric/string/structured array from exactly ArrayByteSize bytes in C or Fortran order.
absl::StatusOr<std::shared_ptr<NdArray>> ArrayFromBytes(const Dtype& dtype,
                                                        std::vector<int64_t> shape,
                                                        absl::string_view raw, bool fortran);
// An object array from one Object per element, in C or Fortran order.
absl::StatusOr<std::shared_ptr<NdArray>> ArrayFromObjects(const Dtype& dtype,
                                                          std::vector<int64_t> shape,
                                                          std::vector<ObjectPtr> objects,
                                                          bool fortran);

// ndarray.__setstate__ after numpy's _reconstruct: (version, shape, dtype, is_fortran,
// rawdata) where rawdata is bytes, or a list for object arrays. Also accepts the 4-tuple
// without version.
absl::StatusOr<std::shared_ptr<NdArray>> ArrayFromReconstructState(const Object& state);

}  // namespace ferry::pickle

#endif  // FERRY_MODEL_LOADERS_PICKLE_NUMPY_CODEC_H_
