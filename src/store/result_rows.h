// The result table: one row per request id with the output event of its prediction, the table
// the async API's result store reads (src/async/result_store.h) and that its embedded workers,
// `ferry stream` table sinks with `shape: json` and `ferry score` table outputs with
// `shape: json` write. Its columns:
//
//   id TEXT PRIMARY KEY, model TEXT, version TEXT, received_at TEXT, processed_at TEXT,
//   event TEXT
//
// `event` is the output event's JSON line (bundle/output_event.h) or a dead letter's; times are
// RFC 3339 UTC text with milliseconds ("2026-11-21T04:00:00.123Z"), which sort as times.
// ResultRows builds rows to upsert on the id with store::TableWriter. Pure; thread-safe.
#ifndef FERRY_STORE_RESULT_ROWS_H_
#define FERRY_STORE_RESULT_ROWS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/record_batch.h"
#include "store/database.h"

namespace ferry::store {

// The values of the rows, one vector per column, all of one length. An empty `received_at`
// leaves that column out: an upsert keeps the time a row already has (the server's, when it
// received the request), a new row gets NULL.
struct ResultRowValues {
  std::vector<Value> ids;
  std::vector<Value> models;
  std::vector<Value> versions;
  std::vector<Value> received_at;
  std::vector<Value> processed_at;
  std::vector<Value> events;
};

// The rows in the table's layout; `id_column` names the key column ("id" for the result store).
RecordBatch ResultRows(ResultRowValues values, const std::string& id_column = "id");

// Creates the table with every column of the layout unless it exists, so that readers find
// received_at even when the first writer has no such values.
absl::Status CreateResultTable(Database& db, const std::string& table,
                               const std::string& id_column = "id");

// "2026-11-21T04:00:00.123Z": a time as the table holds it.
std::string FormatResultTime(absl::Time t);

// A time written as RFC 3339 ("2026-11-21T04:00:00Z", "...T05:00:00.5+01:00") or as
// "YYYY-MM-DD[ HH:MM[:SS[.fff]]]" (also with T; UTC), or nullopt.
std::optional<absl::Time> ParseResultTime(const std::string& text);

}  // namespace ferry::store

#endif  // FERRY_STORE_RESULT_ROWS_H_
