// ColumnWriter: buffers one column's values for the current row group and encodes them as
// a column chunk: an optional dictionary page, then data pages (v1) of about `page_bytes`,
// with chunk statistics. Strings are dictionary-encoded (RLE_DICTIONARY) while the
// dictionary stays small and repetitive (a column whose first 8192 values are mostly distinct,
// such as ids, gives it up early); otherwise, and for other types, values are PLAIN. Strings
// are buffered in one byte arena, not one allocation each. Nullable columns carry RLE
// definition levels. Not thread-safe.
#ifndef FERRY_IO_PARQUET_COLUMN_WRITER_H_
#define FERRY_IO_PARQUET_COLUMN_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "core/value.h"
#include "io/parquet/column_types.h"
#include "io/parquet/compression.h"
#include "io/parquet/metadata.h"

namespace ferry::parquet {

struct ColumnSpec {
  std::string name;
  ColumnType type = ColumnType::kString;
  bool nullable = true;
};

struct ColumnWriteOptions {
  Codec codec = Codec::kSnappy;
  int level = 0;
  size_t page_bytes = 1u << 20;            // target encoded size of a data page
  size_t dictionary_max_bytes = 1u << 20;  // beyond this the column falls back to PLAIN
  bool statistics = true;
};

class ColumnWriter {
 public:
  ColumnWriter(ColumnSpec spec, ColumnWriteOptions options);

  // Appends one value. Errors say what was wrong (kind, format); the caller adds the row.
  absl::Status Append(const Value& value);
  // Drops the values appended after the first `rows` of this row group.
  void Truncate(size_t rows);
  size_t rows() const { return defs_.size(); }
  // Estimated encoded size of the buffered values.
  size_t buffered_bytes() const { return bytes_; }

  // Encodes and compresses the complete data pages of the buffered values ahead of Flush,
  // when the column is PLAIN (no dictionary in play), so a row group's encoding is spread
  // over its writes instead of stalling the last one. Values stay buffered (statistics,
  // Truncate). Errors are those of the codec.
  absl::Status EncodeFullPages();

  // Encodes the buffered values as a chunk starting at `file_offset`, appends its bytes to
  // `out`, fills `chunk`, and clears the buffers for the next row group.
  absl::Status Flush(int64_t file_offset, std::string* out, ColumnChunk* chunk);

  // The schema element of this column.
  SchemaElement Schema() const;

 private:
  PhysicalType physical() const;
  void AbandonDictionary();
  void AddPlainString(std::string_view text);
  std::string_view PlainString(size_t i) const;
  std::string EncodeValues(size_t begin, size_t end, bool dictionary) const;
  Statistics ComputeStatistics() const;
  absl::Status WritePage(PageHeader header, const std::string& body, std::string* out,
                         int64_t* uncompressed_total);
  // Encodes the data page that starts at paged_rows_ into `out` (a full one only, when
  // `only_full`); `*wrote` says whether it did.
  absl::Status EncodePage(bool dictionary, bool only_full, std::string* out, int64_t* uncompressed,
                          bool* wrote);
  void DropPages();

  ColumnSpec spec_;
  ColumnWriteOptions options_;
  std::vector<uint8_t> defs_;  // 1 = present, one per row
  std::vector<int64_t> ints_;  // int64, date (days), timestamp (micros), bool (0/1)
  std::vector<double> doubles_;
  // PLAIN strings (when not dictionary-encoded): their bytes end to end, and where each ends.
  std::string string_bytes_;
  std::vector<size_t> string_ends_;
  std::vector<uint32_t> indices_;       // dictionary indices (when dictionary-encoded)
  std::deque<std::string> dictionary_;  // a deque: the index's views stay valid as it grows
  absl::flat_hash_map<std::string_view, uint32_t> dictionary_index_;
  size_t dictionary_bytes_ = 0;
  bool use_dictionary_;
  size_t bytes_ = 0;
  // Data pages already encoded (PLAIN only): their bytes, and the rows and values they hold.
  std::string pages_;
  int64_t pages_uncompressed_ = 0;
  size_t paged_rows_ = 0, paged_values_ = 0;
  // How far the next page's rows were scanned (at or after paged_rows_), and their estimate.
  size_t scan_rows_ = 0, scan_values_ = 0, scan_estimate_ = 0;
};

}  // namespace ferry::parquet

#endif  // FERRY_IO_PARQUET_COLUMN_WRITER_H_
