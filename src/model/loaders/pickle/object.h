// The object graph a restricted unpickle produces: plain data mirroring the Python objects
// a model pickle describes (None, bool, int, float, str, bytes, tuple, list, dict, set,
// numpy arrays and dtypes, and "instances" of allow-listed classes with their state).
// Nothing is ever executed: an allowed class is recorded by name with its arguments and state.
// Objects are shared (the pickle memo may reference one object many times), acyclic, and
// immutable once Unpickle() returns, so they may be read from many threads at once.
// Destroying even a very deep graph never recurses deeply.
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
// 'b' bool, 'O' object, 'U' unicode (UCS-4), 'S' bytes, 'V' void/structured, 'c' complex,
// 'M'/'m' datetime/timedelta. Arrays are converted to native (little-endian) byte order on
// load, so big_endian is false in every loaded array's dtype (and in its fields).
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
  int32_t nesting = 0;        // levels of structured fields below this dtype (bounded on load)
  const Field* FindField(std::string_view name) const;
  std::string ToString() const;  // "<f8", "|V64{left_child:<i8@0,...}"
};

// numpy.ndarray. Numeric data is kept as raw bytes in C order (Fortran-order arrays are
// transposed on load); object arrays hold Objects instead.
struct NdArray {
  Dtype dtype;
  std::vector<int64_t> shape;
  std::string data;                // size() * dtype.itemsize bytes, C order
  std::vector<ObjectPtr> objects;  // dtype.kind == 'O': size() objects, C order
  int64_t size() const;            // product of shape (1 for a 0-d array)

  // Element i (C order) converted to double; REQUIRES: numeric or bool dtype, i < size().
  double GetDouble(int64_t i) const;
  // Element i converted to int64; REQUIRES: integer or bool dtype.
  int64_t GetInt(int64_t i) const;
  // Whole array as doubles / int64 (error for non-numeric dtypes).
  absl::StatusOr<std::vector<double>> ToDoubles() const;
  absl::StatusOr<std::vector<int64_t>> ToInts() const;
  // Whole array as strings: 'U' (UTF-8 encoded, trailing NULs dropped), 'S' (bytes,
  // trailing NULs dropped) or 'O' whose elements are all str.
  absl::StatusOr<std::vector<std::string>> ToStrings() const;
  // Record r's field (structured dtypes) as double / int64.
  absl::StatusOr<double> FieldDouble(int64_t r, std::string_view field) const;
  absl::StatusOr<int64_t> FieldInt(int64_t r, std::string_view field) const;
  std::string ShapeString() const;  // "(3, 4)"
};

class Object {
 public:
  enum class Kind : uint8_t {
    kNone,
    kBool,
    kInt,
    kFloat,
    kString,
    kBytes,
    kTuple,
    kList,
    kDict,
    kSet,
    kArray,     // numpy.ndarray (also numpy scalars, as 0-d arrays)
    kDtype,     // numpy.dtype
    kInstance,  // an allowed class: class_name(args) with state (usually a dict)
    kGlobal,    // a reference to an allowed class or function, not yet called
  };

  Object() = default;
  explicit Object(Kind k) : kind(k) {}
  Object(const Object&) = default;
  Object& operator=(const Object&) = default;
  Object(Object&&) = default;
  Object& operator=(Object&&) = default;
  ~Object();  // iterative: releases deep graphs without deep recursion

  Kind kind = Kind::kNone;
  bool bool_value = false;
  int64_t int_value = 0;         // kInt (ints beyond 64 bits are rejected on load);
                                 // kGlobal: internal index into the allow-list table
  double float_value = 0;        // kFloat
  std::string str;               // kString (UTF-8), kBytes, kGlobal / kInstance: "module.Name"
  std::vector<ObjectPtr> items;  // kTuple, kList, kSet; kInstance: constructor args (then a
                                 // dict of keyword args, only if NEWOBJ_EX passed any)
  // kDict, in insertion order; kInstance: items set on a dict subclass (e.g. a Bunch).
  std::vector<std::pair<ObjectPtr, ObjectPtr>> entries;
  ObjectPtr state;                 // kInstance: what BUILD set (a dict; BUILD's (dict,
                                   // slotstate) pair is merged into one dict), or null
  std::shared_ptr<NdArray> array;  // kArray
  std::shared_ptr<Dtype> dtype;    // kDtype

  // Short class name of an instance: "sklearn.tree._classes.DecisionTreeClassifier" ->
  // "DecisionTreeClassifier"; the type name for other kinds ("list", "ndarray", ...).
  std::string TypeName() const;
  // A one-line description for error messages: "list of 3 items", "ndarray <f8 (2, 3)",
  // "str 'gini'", "instance of sklearn.tree._tree.Tree".
  std::string Describe() const;
  // Multi-line rendering for debugging, nested at most max_depth levels (then "...") and
  // cut after max_items items per container.
  std::string DebugString(int max_depth = 4, int max_items = 8) const;

  // Dict lookup by string key; for instances, looks into the state dict (then the instance's
  // own dict items). nullptr if absent.
  const Object* Get(std::string_view key) const;
  bool Has(std::string_view key) const { return Get(key) != nullptr; }
  // String keys of a dict / of an instance's state (for "present keys are ..." messages).
  std::vector<std::string> Keys() const;

  // Typed accessors returning clear errors ("attribute 'coef_': expected an array, got list of
  // 3 items"). `what` names the value in the message.
  absl::StatusOr<const Object*> Attr(std::string_view key) const;     // error if absent
  absl::StatusOr<double> AsDouble(std::string_view what) const;       // int, float, bool, 0-d array
  absl::StatusOr<int64_t> AsInt(std::string_view what) const;         // int, bool, 0-d int array
  absl::StatusOr<bool> AsBool(std::string_view what) const;           // bool, int, 0-d bool array
  absl::StatusOr<std::string> AsString(std::string_view what) const;  // str, 0-d 'U' array
  absl::StatusOr<const NdArray*> AsArray(std::string_view what) const;
  // Lists, tuples and 1-d numeric arrays as doubles / int64.
  absl::StatusOr<std::vector<double>> AsDoubles(std::string_view what) const;
  absl::StatusOr<std::vector<int64_t>> AsInts(std::string_view what) const;
  // Lists, tuples of str, and 1-d 'U' / 'S' / object arrays of str.
  absl::StatusOr<std::vector<std::string>> AsStrings(std::string_view what) const;
  bool IsNone() const { return kind == Kind::kNone; }
  bool IsInstanceOf(std::string_view short_class_name) const {
    return kind == Kind::kInstance && TypeName() == short_class_name;
  }
};

// Reads a pickle stream (protocols 2 to 5) or a joblib file (any of its compressions),
// constructing only allow-listed globals (see allowlist.h). Errors name the offending global,
// opcode or byte offset. Limits keep hostile files from exhausting memory or stack.
struct UnpickleOptions {
  // Bytes the result may hold: array and string payloads plus a fixed charge per object
  // (and, separately, the size a compressed joblib file may expand to).
  int64_t max_total_bytes = int64_t{4} << 30;
  int32_t max_depth = 10000;  // nesting of MARK / containers
};
absl::StatusOr<ObjectPtr> Unpickle(std::string_view bytes, const UnpickleOptions& options = {});

// Like Unpickle, and sets *format (if not null) to a description such as
// "pickle protocol 4", "joblib" (uncompressed) or "joblib (zlib)".
absl::StatusOr<ObjectPtr> UnpickleBytes(std::string_view bytes, std::string* format,
                                        const UnpickleOptions& options = {});

// Reads a file and unpickles it (decompressing joblib containers first). Sets *format to a
// description such as "pickle protocol 4", "joblib", "joblib (zlib)".
absl::StatusOr<ObjectPtr> UnpickleFile(const std::string& path, std::string* format,
                                       const UnpickleOptions& options = {});

}  // namespace ferry::pickle

#endif  // FERRY_MODEL_LOADERS_PICKLE_OBJECT_H_
