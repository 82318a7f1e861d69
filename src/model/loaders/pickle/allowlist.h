// The explicit table of Python globals a pickle may name, and what the unpickler does with
// each. Everything not in the table is refused. Nothing in the table is ever executed: a
// class or function is recorded by name, and the numpy/codecs/builtin helpers listed with a
// dedicated role are interpreted by the unpickler itself.
#ifndef FERRY_MODEL_LOADERS_PICKLE_ALLOWLIST_H_
#define FERRY_MODEL_LOADERS_PICKLE_ALLOWLIST_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace ferry::pickle {

enum class GlobalRole : uint8_t {
  kClass,                 // REDUCE / NEWOBJ record an instance; BUILD sets its state
  kFunction,              // REDUCE records the call as an instance named after the function
  kValueOnly,             // a type used as a value (numpy.float64, builtins.object): not callable
  kNumpyReconstruct,      // numpy.core.multiarray._reconstruct: empty array awaiting BUILD
  kNumpyDtype,            // numpy.dtype: dtype from a type string, refined by BUILD
  kNumpyScalar,           // numpy.core.multiarray.scalar(dtype, bytes): 0-d array
  kNumpyFromBuffer,       // numpy.core.numeric._frombuffer(buf, dtype, shape, order)
  kCodecsEncode,          // _codecs.encode(str, 'latin1') -> bytes (protocol 2)
  kBytes,                 // builtins.bytes(...) (protocol 2 empty bytes)
  kBytearray,             // builtins.bytearray(...)
  kSet,                   // builtins.set(list)
  kFrozenset,             // builtins.frozenset(list)
  kOrderedDict,           // collections.OrderedDict: a dict
  kCopyregReconstructor,  // copyreg._reconstructor(cls, object, None): instance of cls
  kJoblibArrayWrapper,    // joblib's NumpyArrayWrapper: array bytes follow its BUILD
};

struct AllowedGlobal {
  absl::string_view module;
  absl::string_view name;
  GlobalRole role;
};

// The table entry for module.name, or nullptr when the global is not allowed.
const AllowedGlobal* FindAllowedGlobal(absl::string_view module, absl::string_view name);
// Entry by index (as stored in a kGlobal Object's int_value); nullptr if out of range.
const AllowedGlobal* AllowedGlobalAt(int64_t index);
int64_t AllowedGlobalIndex(const AllowedGlobal* entry);

// Why module.name is refused, for error messages (without the byte offset).
std::string RefusalReason(absl::string_view module, absl::string_view name);

}  // namespace ferry::pickle

#endif  // FERRY_MODEL_LOADERS_PICKLE_ALLOWLIST_H_
