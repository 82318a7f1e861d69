// Typed columns for the bundle pipeline: inputs are parsed into them, expressions compute them,
// and features are converted from them into the model's RecordBatch. One ColumnData holds one
// value per row (or one value for all rows when `scalar`), with a validity flag per value.
#ifndef FERRY_BUNDLE_COLUMN_H_
#define FERRY_BUNDLE_COLUMN_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"

namespace ferry::bundle {

// kDate: days since 1970-01-01. kTimestamp: microseconds since 1970-01-01T00:00:00 of the
// wall-clock time as written (a UTC offset is accepted and not applied).
enum class Type : uint8_t { kNull, kBool, kInt, kFloat, kString, kDate, kTimestamp };

// "string", "int", "float", "bool", "date", "timestamp", "null".
const char* TypeName(Type t);
bool IsNumeric(Type t);  // bool, int, float

struct ColumnData {
  Type type = Type::kNull;
  bool scalar = false;          // one value shared by every row
  std::vector<uint8_t> valid;   // 1 when the value is not null
  std::vector<int64_t> ints;    // kBool (0/1), kInt, kDate, kTimestamp
  std::vector<double> floats;   // kFloat
  std::vector<std::string> strings;  // kString

  // Empty column of `type` with `n` null slots allocated for its storage.
  static ColumnData Make(Type type, size_t n);
  static ColumnData Scalar(const Value& v, Type type);

  size_t at(size_t row) const { return scalar ? 0 : row; }
  bool is_valid(size_t row) const { return valid[at(row)] != 0; }
  // Numeric value of a bool, int or float column. REQUIRES: IsNumeric(type), is_valid(row).
  double number(size_t row) const {
    return type == Type::kFloat ? floats[at(row)] : static_cast<double>(ints[at(row)]);
  }
  // The cell as a Value: dates as "YYYY-MM-DD", timestamps as "YYYY-MM-DD HH:MM:SS[.ffffff]".
  Value ToValue(size_t row) const;
  // The cell as Python's str() would print it (ints without ".0", True/False); "" for null.
  std::string ToText(size_t row) const;
};

}  // namespace ferry::bundle

#endif  // FERRY_BUNDLE_COLUMN_H_
