// RecordBatch: a batch of input records in columns (one named column of Values per field),
// with a per-row error slot. The one batch type every mode hands to models and bundles.
// A record without some field holds a null cell there. Not thread-safe for writes.
#ifndef FERRY_CORE_RECORD_BATCH_H_
#define FERRY_CORE_RECORD_BATCH_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/value.h"

namespace ferry {

struct Column {
  std::string name;
  std::vector<Value> values;  // one per row
};

class RecordBatch {
 public:
  RecordBatch() = default;
  explicit RecordBatch(size_t num_rows) : num_rows_(num_rows), errors_(num_rows) {}

  size_t num_rows() const { return num_rows_; }
  size_t num_columns() const { return columns_.size(); }

  // Appends a column. REQUIRES: values.size() == num_rows(), no column of that name yet.
  void AddColumn(std::string name, std::vector<Value> values);
  // Returns the column of that name, adding an all-null one if absent.
  Column& GetOrAddColumn(std::string_view name);

  const Column& column(size_t i) const { return columns_[i]; }
  Column& mutable_column(size_t i) { return columns_[i]; }
  const std::vector<Column>& columns() const { return columns_; }
  // Index of the column named `name`, or -1.
  int FindColumn(std::string_view name) const;

  // Per-row error: empty when the row is fine. The first error set on a row wins.
  const std::string& error(size_t row) const { return errors_[row]; }
  bool ok(size_t row) const { return errors_[row].empty(); }
  void SetError(size_t row, std::string message);
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  // Up to this many columns, FindColumn scans their names (a request's few fields cost no
  // hashing and no index); a wider batch gets a hash index.
  static constexpr size_t kScannedColumns = 16;

  size_t num_rows_ = 0;
  std::vector<Column> columns_;
  absl::flat_hash_map<std::string, int> index_;  // empty while columns are scanned
  std::vector<std::string> errors_;
};

}  // namespace ferry

#endif  // FERRY_CORE_RECORD_BATCH_H_
