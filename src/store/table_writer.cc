// TableWriter: CREATE TABLE / ADD COLUMN from the batch, then multi-row INSERT ... ON CONFLICT
// (key) DO UPDATE in chunks that stay under both dialects' parameter limits.
#include "store/table_writer.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ferry::store {
namespace {

constexpr size_t kMaxParams = 30000;  // SQLite allows 32766, PostgreSQL 65535
constexpr size_t kMaxRowsPerStatement = 1000;

// Rows to write: when keys are given, the last row of each key (ON CONFLICT cannot touch one
// row twice in a statement).
std::vector<size_t> RowsToWrite(const RecordBatch& batch, const std::vector<int>& key_index) {
  std::vector<size_t> rows;
  rows.reserve(batch.num_rows());
  if (key_index.empty()) {
    for (size_t r = 0; r < batch.num_rows(); ++r) rows.push_back(r);
    return rows;
  }
  absl::flat_hash_map<std::string, size_t> last;
  std::vector<std::string> keys(batch.num_rows());
  for (size_t r = 0; r < batch.num_rows(); ++r) {
    std::string& key = keys[r];
    for (int k : key_index) {
      const Value& v = batch.column(k).values[r];
      absl::StrAppend(&key, static_cast<int>(v.kind()), ":", v.ToString().size(), ":", v.ToString(),
                      "|");
    }
    last[key] = r;
  }
  for (size_t r = 0; r < batch.num_rows(); ++r) {
    if (last[keys[r]] == r) rows.push_back(r);
  }
  return rows;
}

}  // namespace

std::string TableWriter::ColumnType(Dialect dialect, const std::vector<Value>& values) {
  const auto [ints, floats, bools, strings] = KindsOf(values);
  const bool pg = dialect == Dialect::kPostgres;
  if (strings || (bools && (ints || floats))) return "TEXT";
  if (floats) return pg ? "DOUBLE PRECISION" : "REAL";
  if (ints) return "BIGINT";  // in SQLite, not INTEGER: no rowid alias for an integer key
  if (bools) return pg ? "BOOLEAN" : "INTEGER";
  return "TEXT";
}

absl::Status TableWriter::UpsertBatch(std::string_view table,
                                      const std::vector<std::string>& key_columns,
                                      const RecordBatch& batch) {
  absl::Status status = db_->Begin();
  if (status.ok()) status = UpsertInTransaction(table, key_columns, batch);
  if (status.ok()) status = db_->Commit();
  if (!status.ok()) {
    (void)db_->Rollback();
    prepared_.clear();  // a rolled-back CREATE or ALTER must be redone
  }
  return status;
}

absl::Status TableWriter::UpsertInTransaction(std::string_view table,
                                              const std::vector<std::string>& key_columns,
                                              const RecordBatch& batch) {
  if (batch.num_columns() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("no columns to write into table ", std::string(table)));
  }
  std::vector<int> key_index;
  for (const std::string& key : key_columns) {
    int index = batch.FindColumn(key);
    if (index < 0) {
      return absl::InvalidArgumentError(absl::StrCat("key column '", key,
                                                     "' is not among the columns written to ",
                                                     std::string(table), "; add it to the output"));
    }
    key_index.push_back(index);
  }
  absl::Status status = PrepareTable(table, key_columns, batch);
  if (!status.ok()) return status;
  if (batch.num_rows() == 0) return absl::OkStatus();
  std::vector<size_t> rows = RowsToWrite(batch, key_index);
  const size_t per_statement =
      std::max<size_t>(1, std::min(kMaxRowsPerStatement, kMaxParams / batch.num_columns()));
  RecordBatch picked;
  const RecordBatch* source = &batch;
  if (rows.size() != batch.num_rows()) {  // drop superseded duplicates
    picked = RecordBatch(rows.size());
    for (const Column& column : batch.columns()) {
      std::vector<Value> values;
      values.reserve(rows.size());
      for (size_t r : rows) values.push_back(column.values[r]);
      picked.AddColumn(column.name, std::move(values));
    }
    source = &picked;
  }
  for (size_t begin = 0; begin < source->num_rows(); begin += per_statement) {
    size_t end = std::min(source->num_rows(), begin + per_statement);
    status = InsertRows(table, key_columns, *source, begin, end);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status TableWriter::PrepareTable(std::string_view table,
                                       const std::vector<std::string>& key_columns,
                                       const RecordBatch& batch) {
  std::string shape(table);
  for (const Column& column : batch.columns()) absl::StrAppend(&shape, "\n", column.name);
  if (prepared_.contains(shape)) return absl::OkStatus();
  absl::Status changed = ChangeSchemaSerialized(*db_, table, [&]() -> absl::Status {
    auto existing = db_->TableColumns(table);
    if (!existing.ok()) return existing.status();
    const Dialect dialect = db_->dialect();
    if (existing->empty()) {
      std::vector<std::string> defs;
      for (const Column& column : batch.columns()) {
        std::string def =
            absl::StrCat(QuoteIdentifier(column.name), " ", ColumnType(dialect, column.values));
        if (std::find(key_columns.begin(), key_columns.end(), column.name) != key_columns.end()) {
          absl::StrAppend(&def, " NOT NULL");
        }
        defs.push_back(std::move(def));
      }
      if (!key_columns.empty()) {
        std::vector<std::string> keys;
        for (const std::string& key : key_columns) keys.push_back(QuoteIdentifier(key));
        defs.push_back(absl::StrCat("PRIMARY KEY (", absl::StrJoin(keys, ", "), ")"));
      }
      absl::Status status =
          db_->Execute(absl::StrCat("CREATE TABLE IF NOT EXISTS ", QuoteIdentifier(table), " (",
                                    absl::StrJoin(defs, ", "), ")"));
      if (!status.ok()) return status;
    } else {
      for (const Column& column : batch.columns()) {
        if (std::find(existing->begin(), existing->end(), column.name) != existing->end()) continue;
        absl::Status status = db_->Execute(
            absl::StrCat("ALTER TABLE ", QuoteIdentifier(table), " ADD COLUMN ",
                         QuoteIdentifier(column.name), " ", ColumnType(dialect, column.values)));
        if (!status.ok()) return status;
      }
    }
    return absl::OkStatus();
  });
  if (!changed.ok()) return changed;
  prepared_.insert(std::move(shape));
  return absl::OkStatus();
}

absl::Status TableWriter::InsertRows(std::string_view table,
                                     const std::vector<std::string>& key_columns,
                                     const RecordBatch& batch, size_t begin, size_t end) {
  std::vector<std::string> names;
  for (const Column& column : batch.columns()) names.push_back(QuoteIdentifier(column.name));
  std::string sql = absl::StrCat("INSERT INTO ", QuoteIdentifier(table), " (",
                                 absl::StrJoin(names, ", "), ") VALUES ");
  std::vector<Value> params;
  params.reserve((end - begin) * batch.num_columns());
  for (size_t r = begin; r < end; ++r) {
    if (r > begin) sql += ", ";
    sql += '(';
    for (size_t c = 0; c < batch.num_columns(); ++c) {
      params.push_back(batch.column(c).values[r]);
      absl::StrAppend(&sql, c > 0 ? ", $" : "$", params.size());
    }
    sql += ')';
  }
  if (!key_columns.empty()) {
    std::vector<std::string> keys, updates;
    for (const std::string& key : key_columns) keys.push_back(QuoteIdentifier(key));
    for (const Column& column : batch.columns()) {
      if (std::find(key_columns.begin(), key_columns.end(), column.name) != key_columns.end()) {
        continue;
      }
      std::string quoted = QuoteIdentifier(column.name);
      updates.push_back(absl::StrCat(quoted, " = excluded.", quoted));
    }
    absl::StrAppend(&sql, " ON CONFLICT (", absl::StrJoin(keys, ", "), ") DO ",
                    updates.empty() ? "NOTHING" : "UPDATE SET " + absl::StrJoin(updates, ", "));
  }
  return db_->Execute(sql, params);
}

}  // namespace ferry::store
