// The object graph a restricted unpickle produces: plain data mirroring the Python objects
// a model pickle describes (None, bool, int, float, str, bytes, tuple, list, dict, set,
// numpy arrays and dtypes, and "instances" of allow-listed classes with their state).
// Nothing is ever executed: an allowed class is recorded by name with its arguments and state.
// Objects are shared (the pickle memo may reference one object many times) and immutable
// once Unpickle() returns.
#ifndef FERRY_MODEL_LOADERS_PICKLE_OBJECT_H_
#define FERRY_MODEL_LOADERS_PICKLE_OBJECT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace ferry::pickle {

class Object;
using ObjectPtr = std::shared_ptr<Object>;

// numpy dtype: kind is numpy's kind character: 'f' float, 'i' signed, 'u' unsigned,
// 'b' bool, 'O' object, 'U' unicode (UCS-4), 'S' bytes, 'V' void/structured.
struct Dtype {
  char kind = 'f';
  int32_t itemsize = 8;
  bool big_endian = false;
  struct Field {
    std::string name;
    std::shared_ptr<Dtype> type;
    int32_t offset = 0;
  };
  std::vector<Field> fields;  // structured dtypes only, in declaration order
  const Field* FindField(std::string_view name) const;
  std::string ToString() const;  // "<f8", "|V64{left_child:<i8@0,...}"
};

// numpy.ndarray. Numeric data is kept as raw bytes in C order (Fortran-order arrays are
// transposed on load); object arrays hold Objects instead.
struct NdArray {
  Dtype dtype;
  std::vector<int64_t> shape;
  std::string data;                  // size() * dtype.itemsize bytes, C order
  std::vector<ObjectPtr> objects;    // dtype.kind == 'O': size() objects, C order
  int64_t size() const;              // product of shape (1 for a 0-d array)

  // Element i (C order) converted to double; REQUIRES: numeric or bool dtype, i < size().
  double GetDouble(int64_t i) const;
  // Element i converted to int64; REQUIRES: integer or bool dtype.
  int64_t GetInt(int64_t i) const;
  // Whole array as doubles / int64 (error for non-numeric dtypes).
  absl::StatusOr<std::vector<double>> ToDoubles() const;
  absl::StatusOr<std::vector<int64_t>> ToInts() const;
  // Record r's field (structured dtypes) as double / int64.
  absl::StatusOr<double> FieldDouble(int64_t r, std::string_view field) const;
};

class Object {
 public:
  enum class Kind : uint8_t {
    kNone, kBool, kInt, kFloat, kString, kBytes,
    kTuple, kList, kDict, kSet,
    kArray,     // numpy.ndarray (also numpy scalars, as 0-d arrays)
    kDtype,     // numpy.dtype
    kInstance,  // an allowed class: class_name(args) with state (usually a dict)
    kGlobal,    // a reference to an allowed class or function, not yet called
  };

  Kind kind = Kind::kNone;
  bool bool_value = false;
  int64_t int_value = 0;          // kInt (ints beyond 64 bits are rejected on load)
  double float_value = 0;         // kFloat
  std::string str;                // kString (UTF-8), kBytes, kGlobal / kInstance: "module.Name"
  std::vector<ObjectPtr> items;   // kTuple, kList, kSet; kInstance: constructor args
  std::vector<std::pair<ObjectPtr, ObjectPtr>> entries;  // kDict, in insertion order
  ObjectPtr state;                // kInstance: what BUILD set (dict, tuple, ...), or null
  std::shared_ptr<NdArray> array;  // kArray
  std::shared_ptr<Dtype> dtype;    // kDtype

  // Short class name of an instance: "sklearn.tree._classes.DecisionTreeClassifier" ->
  // "DecisionTreeClassifier"; the type name for other kinds ("list", "ndarray", ...).
  std::string TypeName() const;

  // Dict lookup by string key; for instances, looks into the state dict. nullptr if absent.
  const Object* Get(std::string_view key) const;
  bool Has(std::string_view key) const { return Get(key) != nullptr; }

  // Typed accessors returning clear errors ("attribute 'coef_': expected an array, got list").
  // `what` names the value in the message.
  absl::StatusOr<const Object*> Attr(std::string_view key) const;  // error if absent
  absl::StatusOr<double> AsDouble(std::string_view what) const;   // int, float, bool, 0-d array
  absl::StatusOr<int64_t> AsInt(std::string_view what) const;     // int, bool, 0-d int array
  absl::StatusOr<std::string> AsString(std::string_view what) const;
  absl::StatusOr<const NdArray*> AsArray(std::string_view what) const;
  // Lists, tuples and 1-d numeric arrays as doubles.
  absl::StatusOr<std::vector<double>> AsDoubles(std::string_view what) const;
  bool IsNone() const { return kind == Kind::kNone; }
};

// Reads a pickle stream (protocols 2 to 5) or a joblib file (any of its compressions),
// constructing only allow-listed globals (see allowlist.h). Errors name the offending global,
// opcode or byte offset. Limits keep hostile files from exhausting memory or stack.
struct UnpickleOptions {
  int64_t max_total_bytes = int64_t{4} << 30;   // sum of array/string sizes allowed
  int32_t max_depth = 10000;                    // nesting of MARK / containers
};
absl::StatusOr<ObjectPtr> Unpickle(std::string_view bytes, const UnpickleOptions& options = {});

// Reads a file and unpickles it (decompressing joblib containers first). Sets *format to a
// description such as "pickle protocol 4", "joblib", "joblib (zlib)".
absl::StatusOr<ObjectPtr> UnpickleFile(const std::string& path, std::string* format,
                                       const UnpickleOptions& options = {});

}  // namespace ferry::pickle

#endif  // FERRY_MODEL_LOADERS_PICKLE_OBJECT_H_
