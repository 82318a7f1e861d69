// ParquetReader: streams a flat Parquet file as RecordBatches of at most `batch_rows` rows
// (never spanning two row groups), reading only the projected columns, one page per column
// at a time. The schema is known after Open. Values: integers -> Int, FLOAT/DOUBLE/DECIMAL
// -> Float, strings and bytes -> String, BOOLEAN -> Bool, DATE -> "YYYY-MM-DD", TIMESTAMP and
// INT96 -> "YYYY-MM-DD HH:MM:SS[.ffffff]", nulls -> null (see docs/parquet.md).
// Not thread-safe; independent readers may run in parallel.
#ifndef FERRY_IO_PARQUET_PARQUET_READER_H_
#define FERRY_IO_PARQUET_PARQUET_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/record_batch.h"
#include "io/parquet/column_reader.h"
#include "io/parquet/column_types.h"
#include "io/parquet/metadata.h"
#include "io/parquet/source.h"

namespace ferry::parquet {

struct ParquetReaderOptions {
  size_t batch_rows = 65536;            // rows per batch at most
  std::vector<std::string> columns;     // projection, in this order; empty = every column
  size_t max_footer_bytes = 16u << 20;  // parsed structs take up to ~40x the footer bytes
  ReadLimits limits;
};

class ParquetReader {
 public:
  static absl::StatusOr<std::unique_ptr<ParquetReader>> Open(const std::string& path,
                                                             ParquetReaderOptions options = {});
  // Reads a file image held in memory (tests, fuzzing, request bodies).
  static absl::StatusOr<std::unique_ptr<ParquetReader>> OpenBytes(
      std::string bytes, ParquetReaderOptions options = {});
  static absl::StatusOr<std::unique_ptr<ParquetReader>> OpenSource(
      std::unique_ptr<RandomAccessSource> source, ParquetReaderOptions options = {});

  // The projected columns, in output order.
  const std::vector<ColumnDescriptor>& schema() const { return projected_; }
  // Every column in the file.
  const std::vector<ColumnDescriptor>& file_columns() const { return columns_; }
  int64_t num_rows() const { return meta_.num_rows; }
  int num_row_groups() const { return static_cast<int>(meta_.row_groups.size()); }
  const FileMetaData& metadata() const { return meta_; }

  // Fills `batch` with the next rows; false (and an empty batch) at the end.
  absl::StatusOr<bool> Next(RecordBatch* batch);

 private:
  ParquetReader() = default;
  absl::Status Init();
  absl::Status StartRowGroup(int index);

  std::unique_ptr<RandomAccessSource> source_;
  ParquetReaderOptions options_;
  FileMetaData meta_;
  std::vector<ColumnDescriptor> columns_;
  std::vector<ColumnDescriptor> projected_;
  std::vector<int> projection_;  // file column index of each projected column
  int row_group_ = -1;
  int64_t rows_left_ = 0;
  std::vector<std::unique_ptr<ColumnChunkReader>> readers_;
};

}  // namespace ferry::parquet

#endif  // FERRY_IO_PARQUET_PARQUET_READER_H_
