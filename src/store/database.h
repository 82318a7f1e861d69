// Database: one connection to SQLite or PostgreSQL behind one small interface, for the
// stream sinks (upserts of predictions) and the batch mode (SQL inputs, table outputs).
//
//   auto db = store::OpenDatabase("sqlite:///tmp/out.db");          // or postgresql://...
//   RETURN_IF_ERROR((*db)->Execute("DELETE FROM t WHERE day = $1", {Value::String(day)}));
//   auto chunks = store::ReadQuery(**db, "SELECT * FROM rides WHERE id > $1", {Value::Int(9)});
//
// Parameters are written $1, $2 ... in both dialects. Results come back as RecordBatches whose
// cells are typed from the database's types (integers, floats, booleans, text; NULL as null).
// Errors: InvalidArgument for bad SQL or URLs, Unavailable when the server cannot be reached
// or the connection broke (the next call reconnects, so callers retry with backoff), Aborted
// for conflicts (SQLite busy). Not thread-safe: one connection per thread.
#ifndef FERRY_STORE_DATABASE_H_
#define FERRY_STORE_DATABASE_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/record_batch.h"
#include "core/value.h"

namespace ferry::store {

enum class Dialect { kSqlite, kPostgres };

// Receives each chunk of a query's result; a non-OK status stops the query and is returned.
using ChunkCallback = std::function<absl::Status(RecordBatch chunk)>;

class Database {
 public:
  virtual ~Database() = default;

  virtual Dialect dialect() const = 0;
  // The URL it was opened with, without any password, for messages.
  virtual const std::string& description() const = 0;

  // Runs one statement that returns no rows (DDL, INSERT, DELETE ...) with $N parameters.
  virtual absl::Status Execute(std::string_view sql, const std::vector<Value>& params = {}) = 0;

  // Transactions: Begin, then Commit or Rollback. Rollback is safe to call after a failure.
  virtual absl::Status Begin() = 0;
  virtual absl::Status Commit() = 0;
  virtual absl::Status Rollback() = 0;
  // True between Begin and Commit/Rollback.
  virtual bool InTransaction() const = 0;

  // Runs a query and hands its rows over in chunks of at most `chunk_rows` rows (the last may
  // be smaller; none when the result is empty). Column names come from the result.
  virtual absl::Status Query(std::string_view sql, const std::vector<Value>& params,
                             size_t chunk_rows, const ChunkCallback& on_chunk) = 0;

  // The column names of `table` in order, or an empty list when it does not exist.
  virtual absl::StatusOr<std::vector<std::string>> TableColumns(std::string_view table) = 0;
};

// Opens a connection:
//   sqlite:///abs/path.db, sqlite:relative/path.db, sqlite::memory:  (file created if absent)
//   postgresql://user:password@host:port/dbname?options (libpq URI; postgres:// also works)
absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(std::string_view url);

// Convenience: the whole result of Query as a list of chunks.
absl::StatusOr<std::vector<RecordBatch>> ReadQuery(Database& db, std::string_view sql,
                                                   const std::vector<Value>& params = {},
                                                   size_t chunk_rows = 4096);

// "name" with embedded quotes doubled; works in both dialects. A dotted name (schema.table)
// is quoted part by part.
std::string QuoteIdentifier(std::string_view name);

// Runs `create_or_alter` (CREATE TABLE IF NOT EXISTS, ADD COLUMN ...) for `table` so that
// concurrent writers do not trip over each other: PostgreSQL's IF NOT EXISTS is not safe
// between sessions (the loser fails on pg_type's unique index), so there the statement runs
// under a transaction-scoped advisory lock named after the table, inside the caller's
// transaction or in one of its own. `change` may read the table's columns first: no other
// writer changes them meanwhile. SQLite serializes writers itself; there it just runs.
absl::Status ChangeSchemaSerialized(Database& db, std::string_view table,
                                    const std::function<absl::Status()>& change);

// The url without its password (postgresql://user:***@host/db), for messages and logs.
std::string RedactUrl(std::string_view url);

}  // namespace ferry::store

#endif  // FERRY_STORE_DATABASE_H_
