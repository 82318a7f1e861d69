// Flat Parquet columns as ferry sees them: the schema's leaves resolved to a descriptor
// (physical type, annotation, nullability) and a ferry ColumnType, and the conversion of
// physical values to Values (ints -> Int, floats/decimals -> Float, text -> String,
// DATE -> "YYYY-MM-DD", TIMESTAMP/INT96 -> "YYYY-MM-DD HH:MM:SS[.ffffff]").
#ifndef FERRY_IO_PARQUET_COLUMN_TYPES_H_
#define FERRY_IO_PARQUET_COLUMN_TYPES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/value.h"
#include "io/parquet/metadata.h"

namespace ferry::parquet {

// The column types ferry reads and writes.
enum class ColumnType : uint8_t { kInt64, kDouble, kString, kBool, kDate, kTimestamp };

// "int64", "double", "string", "bool", "date", "timestamp".
const char* ColumnTypeName(ColumnType type);
// Parses the names above; the error lists them.
absl::StatusOr<ColumnType> ParseColumnType(std::string_view name);

struct ColumnDescriptor {
  std::string name;
  PhysicalType physical = PhysicalType::kInt64;
  int32_t type_length = 0;
  bool optional = true;  // max definition level 1
  LogicalType logical;   // from logicalType, or derived from the converted type
  ColumnType type = ColumnType::kString;
  // What the file says, for messages and `ferry inspect`: "INT32 (DATE)".
  std::string description;
};

// Resolves a file schema (depth-first, root first) into its leaf columns. A nested schema
// (groups below the root, or repeated fields) is an error naming the first such column.
absl::StatusOr<std::vector<ColumnDescriptor>> ResolveColumns(
    const std::vector<SchemaElement>& schema);

// Turns physical values of one column into Values.
class ValueConverter {
 public:
  explicit ValueConverter(const ColumnDescriptor& column) : c_(column) {}
  Value FromInt(int64_t v) const;             // BOOLEAN, INT32, INT64
  Value FromDouble(double v) const;           // FLOAT, DOUBLE
  Value FromBytes(std::string_view v) const;  // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, INT96

 private:
  Value FromUnscaled(__int128 unscaled) const;
  const ColumnDescriptor& c_;
};

}  // namespace ferry::parquet

#endif  // FERRY_IO_PARQUET_COLUMN_TYPES_H_
