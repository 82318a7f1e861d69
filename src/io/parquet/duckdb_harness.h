// Test support: runs DuckDB (npm @duckdb/node-api, through duckdb_query.mjs under Debian's
// node) on a list of jobs and compares ferry's Values with DuckDB's text rendering of them.
// Installs the npm dependency at the repository root when it is missing.
#ifndef FERRY_IO_PARQUET_DUCKDB_HARNESS_H_
#define FERRY_IO_PARQUET_DUCKDB_HARNESS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/value.h"

namespace ferry::parquet::testing {

// One DuckDB result: cells are null, a bool, or text.
struct DuckCell {
  enum class Kind { kNull, kBool, kText } kind = Kind::kNull;
  bool boolean = false;
  std::string text;
};
struct DuckResult {
  bool ok = false;
  std::string error;
  std::vector<std::string> columns, types;
  std::vector<std::vector<DuckCell>> rows;
};

// A job: read a Parquet file (every column as text), or run SQL.
struct DuckJob {
  std::string read_path;
  std::string sql;
};

absl::StatusOr<std::vector<DuckResult>> RunDuckDb(const std::vector<DuckJob>& jobs);

// Whether ferry's value equals DuckDB's cell of type `duck_type`; tolerated differences:
// fractional seconds printed with or without trailing zeros, nanoseconds compared at
// DuckDB's microsecond precision for TIMESTAMP, BLOBs compared as hex, numbers compared
// after parsing DuckDB's text (exactly, NaN equal to NaN).
bool SameValue(const Value& ours, const DuckCell& theirs, const std::string& duck_type,
               std::string* explain);

// The data of a Parquet file as ferry reads it.
struct FerryTable {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> values;  // [column][row]
};
absl::StatusOr<FerryTable> ReadWithFerry(const std::string& path);

// Compares a whole table, except the rows in `skip_rows`; returns "" when equal, else the
// first difference.
std::string CompareTables(const FerryTable& ours, const DuckResult& theirs,
                          const std::vector<size_t>& skip_rows = {});

// A fresh temporary directory.
std::string MakeTempDir();

}  // namespace ferry::parquet::testing

#endif  // FERRY_IO_PARQUET_DUCKDB_HARNESS_H_
