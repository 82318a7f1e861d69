// Helpers shared by the scikit-learn converters: reading fitted attributes from an unpickled
// estimator with errors that name the estimator and attribute, turning numpy arrays into
// doubles, ints and ferry Values, reading columns of structured arrays by field name, and
// parsing `_sklearn_version`. Internal to the sklearn loader.
#ifndef FERRY_MODEL_LOADERS_SKLEARN_COMMON_H_
#define FERRY_MODEL_LOADERS_SKLEARN_COMMON_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/value.h"
#include "model/loaders/pickle/object.h"

namespace ferry::model::sklearn {

using pickle::NdArray;
using pickle::Object;

// "ClassName: message" as an InvalidArgument error.
absl::Status Error(const Object& est, const std::string& message);
// Adds "ClassName: " in front of an existing error's message, keeping its code.
absl::Status Annotate(const Object& est, const absl::Status& status);

// A fitted attribute that must exist and not be None; the error says the estimator may not
// be fitted.
absl::StatusOr<const Object*> Need(const Object& est, const std::string& key);
// The attribute, or nullptr when absent or None.
const Object* Optional(const Object& est, const std::string& key);

absl::StatusOr<int64_t> NeedInt(const Object& est, const std::string& key);
absl::StatusOr<double> NeedDouble(const Object& est, const std::string& key);
absl::StatusOr<std::string> NeedString(const Object& est, const std::string& key);
// A string attribute, or `fallback` when absent/None.
absl::StatusOr<std::string> StringOr(const Object& est, const std::string& key,
                                     const std::string& fallback);
// A bool (or int) attribute, or `fallback` when absent/None.
absl::StatusOr<bool> BoolOr(const Object& est, const std::string& key, bool fallback);

// Any number or numeric array (any shape, flattened in C order) as doubles / ints. Lists and
// tuples of numbers are accepted too.
absl::StatusOr<std::vector<double>> Doubles(const Object& o, const std::string& what);
absl::StatusOr<std::vector<int64_t>> Ints(const Object& o, const std::string& what);
// Shape of an array attribute ({} for a Python scalar or 0-d array).
std::vector<int64_t> ShapeOf(const Object& o);

// One Python/numpy value as a ferry Value keeping its type: int -> Int, float -> Float,
// str/bytes -> String, bool -> Bool, None -> Null. Errors for containers.
absl::StatusOr<Value> ToValue(const Object& o, const std::string& what);
// An array (numeric, bool, unicode, bytes or object) or list/tuple as Values, C order.
absl::StatusOr<std::vector<Value>> ToValues(const Object& o, const std::string& what);
// Like ToValues but every element must be a string.
absl::StatusOr<std::vector<std::string>> ToStrings(const Object& o, const std::string& what);
// Items of a list or tuple, or the objects of an object array (C order).
absl::StatusOr<std::vector<const Object*>> Items(const Object& o, const std::string& what);

// A column of a structured (record) array, read by field name with the field's own type.
// Errors name the missing field and list the fields present.
absl::StatusOr<std::vector<double>> FieldDoubles(const NdArray& a, const std::string& field,
                                                 const std::string& what);
absl::StatusOr<std::vector<int64_t>> FieldInts(const NdArray& a, const std::string& field,
                                               const std::string& what);
bool HasField(const NdArray& a, const std::string& field);

// scikit-learn version from `_sklearn_version` ("1.2.1", "1.4.dev0"); nullopt when absent.
struct Version {
  int major = 0;
  int minor = 0;
  int patch = 0;
  bool AtLeast(int ma, int mi, int pa = 0) const;
};
std::optional<Version> VersionOf(const Object& est);

// Short class name ("DecisionTreeClassifier"); "str" etc. for non-instances.
std::string ClassName(const Object& o);
// True when `o` is the string `s` (e.g. "drop", "passthrough").
bool IsString(const Object& o, const std::string& s);

}  // namespace ferry::model::sklearn

#endif  // FERRY_MODEL_LOADERS_SKLEARN_COMMON_H_
