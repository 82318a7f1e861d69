// ParquetWriter: writes RecordBatches to a flat Parquet file with a fixed schema (name, type
// in int64/double/string/bool/date/timestamp, nullability). Rows are buffered into row
// groups bounded by `row_group_rows` and `row_group_bytes`; Close() writes the last row
// group and the footer. The caller publishes the file atomically (write to a temporary
// path, rename after Close). Not thread-safe.
#ifndef FERRY_IO_PARQUET_PARQUET_WRITER_H_
#define FERRY_IO_PARQUET_PARQUET_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/record_batch.h"
#include "io/parquet/column_writer.h"
#include "io/parquet/compression.h"
#include "io/parquet/metadata.h"

namespace ferry::parquet {

// Where the bytes go.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual absl::Status Write(std::string_view bytes) = 0;
  virtual absl::Status Close() = 0;
};
// A file created or truncated at `path`.
absl::StatusOr<std::unique_ptr<ByteSink>> FileSink(const std::string& path);
// Appends to `*out`, which must outlive the sink.
std::unique_ptr<ByteSink> StringSink(std::string* out);

struct ParquetWriterOptions {
  Codec compression = Codec::kSnappy;      // also kZstd, kGzip, kLz4Raw, kUncompressed
  int compression_level = 0;               // 0: the codec's default
  size_t row_group_rows = 1u << 20;        // a row group holds at most this many rows
  size_t row_group_bytes = 128u << 20;     // ... and about this many encoded bytes
  size_t page_bytes = 1u << 20;            // target size of a data page
  size_t dictionary_max_bytes = 1u << 20;  // string dictionaries beyond this fall back to PLAIN
  bool statistics = true;                  // min/max/null_count per column chunk
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
  std::string created_by = "ferry version 0.1.0";
};

// A schema for `batch`: each column typed from its values (Int -> int64, Float or a mix of
// Int and Float -> double, Bool -> bool, anything else or all-null -> string), nullable.
std::vector<ColumnSpec> InferSchema(const RecordBatch& batch);

// "snappy", "zstd", "gzip", "lz4_raw" (or "lz4"), "none" / "uncompressed".
absl::StatusOr<Codec> ParseCodec(std::string_view name);

class ParquetWriter {
 public:
  static absl::StatusOr<std::unique_ptr<ParquetWriter>> Create(std::unique_ptr<ByteSink> sink,
                                                               std::vector<ColumnSpec> schema,
                                                               ParquetWriterOptions options = {});
  static absl::StatusOr<std::unique_ptr<ParquetWriter>> Open(const std::string& path,
                                                             std::vector<ColumnSpec> schema,
                                                             ParquetWriterOptions options = {});

  // Appends the batch's rows. Columns are matched by name (extra batch columns are
  // ignored; a schema column missing from the batch is null). A value that does not fit
  // its column fails the call naming the column and row; none of the batch is written,
  // unless the batch spans a row-group boundary and its first part was already flushed, in
  // which case the writer refuses further writes.
  absl::Status Write(const RecordBatch& batch);
  // Writes the buffered rows and the footer, then closes the sink.
  absl::Status Close();

  int64_t rows_written() const { return rows_; }
  const std::vector<ColumnSpec>& schema() const { return schema_; }

 private:
  ParquetWriter() = default;
  absl::Status FlushRowGroup();
  absl::Status Emit(std::string_view bytes);

  std::unique_ptr<ByteSink> sink_;
  std::vector<ColumnSpec> schema_;
  ParquetWriterOptions options_;
  std::vector<ColumnWriter> columns_;
  FileMetaData meta_;
  int64_t offset_ = 0;  // bytes written so far
  int64_t rows_ = 0;    // rows accepted so far
  size_t group_rows_ = 0;
  bool closed_ = false;
  absl::Status failed_;  // a write error leaves the file unusable
};

}  // namespace ferry::parquet

#endif  // FERRY_IO_PARQUET_PARQUET_WRITER_H_
