// LookupTable: a table loaded once at bundle startup (CSV, JSONL or SQLite) into typed columns
// and a hash index on its key columns. Immutable after loading; safe to share across threads.
// Keys match by normalized text: ints and integral floats as "12", other floats like Python's
// repr, bools "true"/"false", strings as they are; so a CSV "12" matches an input 12 or "12".
#ifndef FERRY_BUNDLE_LOOKUP_TABLE_H_
#define FERRY_BUNDLE_LOOKUP_TABLE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "bundle/column.h"
#include "core/record_batch.h"
#include "core/value.h"

namespace ferry::bundle {

enum class OnMissing { kError, kDefault, kNull };

struct LookupSpec {
  std::string name;
  std::string file;   // absolute, or relative to the working directory
  std::string table;  // SQLite: table name, or
  std::string query;  // SQLite: a SELECT
  std::vector<std::string> key;
  OnMissing on_missing = OnMissing::kError;
  std::map<std::string, Value> defaults;  // column -> value, with kDefault
};

class LookupTable {
 public:
  // Loads by extension: .csv, .jsonl/.ndjson, .sqlite/.sqlite3/.db. Errors name the file and
  // line (or row) of the problem: a missing key column, a duplicate key, a bad JSON line.
  static absl::StatusOr<LookupTable> Load(const LookupSpec& spec);
  // Builds from columns already read (equal lengths); where[i] names row i in messages
  // ("line 7"). Column types are inferred: all ints -> int, ints and floats -> float, all
  // bools -> bool, anything else -> string (other values as text).
  static absl::StatusOr<LookupTable> FromColumns(const LookupSpec& spec, std::vector<Column> columns,
                                                 const std::vector<std::string>& where);

  const std::string& name() const { return spec_.name; }
  const LookupSpec& spec() const { return spec_; }
  size_t num_rows() const { return num_rows_; }
  // Value (non-key) columns.
  const std::vector<std::string>& column_names() const { return names_; }
  const ColumnData& column(size_t i) const { return columns_[i]; }
  int FindColumn(std::string_view name) const;
  // With kDefault: the value for a missing key (null when the column has no default).
  const ColumnData& default_value(size_t i) const { return defaults_[i]; }

  // Row of the key built by AppendKeyPart over the key values in order, or -1.
  int64_t Find(absl::string_view key) const;
  static void AppendKeyPart(const ColumnData& column, size_t row, std::string* key);
  static void AppendKeyPart(const Value& v, std::string* key);

 private:
  LookupSpec spec_;
  size_t num_rows_ = 0;
  std::vector<std::string> names_;
  std::vector<ColumnData> columns_;
  std::vector<ColumnData> defaults_;
  absl::flat_hash_map<std::string, int64_t> index_;
};

}  // namespace ferry::bundle

#endif  // FERRY_BUNDLE_LOOKUP_TABLE_H_
