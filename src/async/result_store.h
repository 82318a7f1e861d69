// ResultStore: the table of asynchronous requests and their results, in SQLite or PostgreSQL
// (src/store URLs). One row per request id:
//
//   id TEXT PRIMARY KEY, model TEXT, version TEXT, received_at TEXT, processed_at TEXT,
//   event TEXT
//
// `ferry serve` inserts the row (event NULL: still waiting) before queueing the request; the
// worker that scores it upserts id, model, version, processed_at and event, the output event's
// JSON line (or a dead letter's), exactly as a stream table sink with `shape: json` does
// (docs/stream.md), so embedded workers and `ferry stream` workers write the same rows, and so
// does `ferry score` with a shape: json table (docs/batch.md); the layout is
// store/result_rows.h. Times
// are RFC 3339 UTC text with milliseconds ("2026-11-21T04:00:00.123Z"), which sort as times.
//
// Read API (also for the web pages): Get one request; List a model's results in a time range.
// Thread-safe: one connection behind a mutex.
#ifndef FERRY_ASYNC_RESULT_STORE_H_
#define FERRY_ASYNC_RESULT_STORE_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/database.h"

namespace ferry::async {

inline constexpr char kDefaultResultTable[] = "ferry_async_results";

// One stored request as the HTTP API and the web pages show it.
struct StoredResult {
  enum class State { kWait, kOk, kError };
  std::string id;
  std::string model;
  std::string version;       // the version that scored it ("" while waiting)
  std::string received_at;   // "" when a worker wrote the row for an id serve never saw
  std::string processed_at;  // "" while waiting
  State state = State::kWait;
  // kOk: a JSON object of the outputs plus "model" and "version", e.g.
  //   {"delay_class": "late", "probabilities": {...}, "model": "flight_delays", "version": "1"}
  std::string prediction_json;
  std::string error;  // kError: why the request could not be scored
};

class ResultStore {
 public:
  // Opens `url` and creates `table` when it does not exist.
  static absl::StatusOr<std::unique_ptr<ResultStore>> Open(const std::string& url,
                                                           const std::string& table);

  const std::string& description() const { return description_; }

  // Records a request as waiting (committed when this returns OK).
  absl::Status AddPending(const std::string& id, const std::string& model,
                          const std::string& received_at);
  // Removes a waiting row again (when queueing it failed).
  absl::Status Remove(const std::string& id);

  // The request, or nullopt when the id is unknown (never seen, or expired).
  absl::StatusOr<std::optional<StoredResult>> Get(const std::string& id);

  // Up to `limit` results of `model` (scored or failed) whose processed_at is in [from, to),
  // oldest first.
  absl::StatusOr<std::vector<StoredResult>> List(const std::string& model, absl::Time from,
                                                 absl::Time to, size_t limit);

  // Deletes rows received (or, lacking that, processed) before `cutoff`.
  absl::Status DeleteOlderThan(absl::Time cutoff);

 private:
  ResultStore(std::unique_ptr<store::Database> db, std::string table)
      : db_(std::move(db)), table_(std::move(table)), description_(db_->description()) {}

  std::mutex mutex_;
  std::unique_ptr<store::Database> db_;
  std::string table_;       // quoted
  std::string table_name_;  // unquoted
  std::string description_;
};

// The waiting row of AddPending, written through `db` (e.g. inside the caller's transaction);
// `table` unquoted.
absl::Status InsertWaitingRow(store::Database& db, const std::string& table, const std::string& id,
                              const std::string& model, const std::string& received_at);

// "2026-11-21T04:00:00.123Z"
std::string FormatUtcTime(absl::Time t);

}  // namespace ferry::async

#endif  // FERRY_ASYNC_RESULT_STORE_H_
