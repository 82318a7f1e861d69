// RowWriter: writes output rows (RecordBatches with the same columns, in order) to one file
// as CSV (header, RFC 4180 quoting, nulls empty), JSONL (one object per row) or Parquet (row
// groups of 64k rows; types fixed by the first batch, see OutputColumn). Close() flushes and
// fsyncs, so a closed file can be published by rename. Not thread-safe.
#ifndef FERRY_BATCH_ROW_WRITER_H_
#define FERRY_BATCH_ROW_WRITER_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "batch/job_config.h"
#include "core/record_batch.h"
#include "io/parquet/column_types.h"

namespace ferry::batch {

// The type of an output column: known in advance (from ferry.yaml's input types), or
// inferred from its first non-null value (Int -> int64, Float -> double, Bool -> bool,
// String -> string); a column seen only as null is a string column.
struct OutputColumn {
  std::string name;
  std::optional<parquet::ColumnType> type;
};

class RowWriter {
 public:
  virtual ~RowWriter() = default;
  virtual absl::Status Write(const RecordBatch& rows) = 0;
  virtual absl::Status Close() = 0;
};

// Opens `path` for `format` (not kAuto). `compression` is the Parquet codec name.
absl::StatusOr<std::unique_ptr<RowWriter>> OpenRowWriter(const std::string& path, FileFormat format,
                                                         std::vector<OutputColumn> columns,
                                                         const std::string& compression);

// A file written through a buffer, fsynced on Close. Used for outputs and reject files. A
// full buffer (1 MB) is written by a background thread, one buffer at a time, so that the
// caller fills the next one meanwhile; a write error is returned by the next Append or Close.
// Not thread-safe (one caller).
class SyncedFile {
 public:
  static absl::StatusOr<std::unique_ptr<SyncedFile>> Create(const std::string& path);
  ~SyncedFile();
  absl::Status Append(std::string_view bytes);
  absl::Status Close();  // flush, fsync, close
  const std::string& path() const { return path_; }

 private:
  SyncedFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  absl::Status HandOff();          // buffer_ to the writer thread (started on first use)
  absl::Status WaitForWriter();    // until nothing is in flight; the writer's first error
  void StopWriter();
  void WriterLoop();
  int fd_;
  std::string path_;
  std::string buffer_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread writer_;
  std::string in_flight_;  // being written by writer_
  bool has_in_flight_ = false;
  bool stopping_ = false;
  absl::Status write_error_;
};

// Appends `v` as a CSV field (quoted when it holds a comma, quote, CR or LF).
void AppendCsvField(std::string* out, const Value& v);

}  // namespace ferry::batch

#endif  // FERRY_BATCH_ROW_WRITER_H_
