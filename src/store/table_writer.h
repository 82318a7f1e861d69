// TableWriter: writes RecordBatches into a SQL table, creating it (and adding missing columns)
// from the batch's columns, and upserting on key columns so that writing the same rows twice
// leaves one copy of each: the basis of idempotent sinks and re-runnable batch jobs.
//
//   store::TableWriter writer(db.get());
//   RETURN_IF_ERROR(writer.UpsertBatch("predictions", {"event_id"}, batch));  // one transaction
//
// Column types come from the first batch that has a non-null cell: integers BIGINT (in SQLite too,
// so an integer key is no rowid alias), floats DOUBLE PRECISION (SQLite REAL), booleans BOOLEAN
// (SQLite INTEGER), strings TEXT; mixed ints and floats give a float column, anything else mixed
// TEXT. A new table gets PRIMARY KEY(keys). An existing table is used as it is, plus ADD COLUMN for
// columns it lacks; upserts into it need a unique index on the key columns. Every row of the batch
// is written (row errors are the caller's business). Not thread-safe; the Database must outlive the
// writer.
#ifndef FERRY_STORE_TABLE_WRITER_H_
#define FERRY_STORE_TABLE_WRITER_H_

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "core/record_batch.h"
#include "store/database.h"

namespace ferry::store {

class TableWriter {
 public:
  explicit TableWriter(Database* db) : db_(db) {}

  // Writes `batch` into `table` in one transaction: all rows or none. With empty
  // `key_columns` rows are inserted; otherwise a row whose key exists replaces the old values.
  // When two rows of the batch share a key, the later one wins.
  absl::Status UpsertBatch(std::string_view table, const std::vector<std::string>& key_columns,
                           const RecordBatch& batch);

  // The same inside a transaction the caller opened (Begin ... Commit), to combine it with
  // other statements (e.g. DELETE of a partition then insert).
  absl::Status UpsertInTransaction(std::string_view table,
                                   const std::vector<std::string>& key_columns,
                                   const RecordBatch& batch);

  // The SQL type this writer gives a column of these values.
  static std::string ColumnType(Dialect dialect, const std::vector<Value>& values);

 private:
  absl::Status PrepareTable(std::string_view table, const std::vector<std::string>& key_columns,
                            const RecordBatch& batch);
  absl::Status InsertRows(std::string_view table, const std::vector<std::string>& key_columns,
                          const RecordBatch& batch, size_t begin, size_t end);

  Database* db_;
  std::set<std::string> prepared_;  // "table\ncol\ncol..." shapes already checked
};

}  // namespace ferry::store

#endif  // FERRY_STORE_TABLE_WRITER_H_
