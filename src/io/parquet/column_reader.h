// ColumnChunkReader: the values of one column in one row group, page by page. It reads a
// page header and body from the source only when the previous page is used up, and keeps the
// page in its decoded physical form (numbers, views into the page bytes, dictionary indices),
// making Values only of the rows asked for: memory holds one page's bytes and typed values
// (plus the dictionary), not a Value per row of the page. Errors name the column, row group
// and byte offset.
#ifndef FERRY_IO_PARQUET_COLUMN_READER_H_
#define FERRY_IO_PARQUET_COLUMN_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/value.h"
#include "io/parquet/column_types.h"
#include "io/parquet/compression.h"
#include "io/parquet/metadata.h"
#include "io/parquet/plain.h"
#include "io/parquet/source.h"

namespace ferry::parquet {

struct ReadLimits {
  size_t max_page_bytes = 256u << 20;  // compressed or uncompressed size of one page
  size_t max_page_values = 1u << 22;   // values (nulls included) in one page
};

class ColumnChunkReader {
 public:
  // `source` must outlive the reader. `start`/`length`: the chunk's byte range.
  ColumnChunkReader(const ColumnDescriptor& column, RandomAccessSource* source, int row_group,
                    Codec codec, uint64_t start, uint64_t length, ReadLimits limits);

  // Appends exactly `n` values (nulls included) to `out`.
  absl::Status Read(size_t n, std::vector<Value>* out);

 private:
  absl::Status LoadNextPage();
  absl::Status ReadDictionary(const PageHeader& header, std::string_view raw);
  absl::Status ReadDataPage(const PageHeader& header, std::string raw);
  Value PageValue(size_t k) const;  // the page's k-th non-null value
  absl::Status DecodeValues(Encoding encoding, std::string_view data, size_t count,
                            PhysicalValues* values, std::vector<uint32_t>* indices);
  absl::Status Error(const absl::Status& cause) const;

  const ColumnDescriptor& column_;
  ValueConverter convert_;
  RandomAccessSource* source_;
  int row_group_;
  Codec codec_;
  uint64_t pos_, end_;
  uint64_t page_offset_ = 0;  // of the page being decoded, for messages
  ReadLimits limits_;
  std::vector<Value> dictionary_;
  bool has_dictionary_ = false;
  // The current data page: its bytes (raw, and decompressed when compressed), definition
  // levels (optional columns), values decoded from those bytes, and how far reading got.
  std::string page_raw_, page_body_;
  std::vector<uint32_t> page_defs_;
  PhysicalValues page_physical_;
  std::vector<uint32_t> page_indices_;
  bool page_dictionary_ = false;
  size_t page_rows_ = 0;   // values in the page, nulls included
  size_t page_pos_ = 0;    // next row of the page
  size_t page_value_ = 0;  // next non-null value of the page
};

}  // namespace ferry::parquet

#endif  // FERRY_IO_PARQUET_COLUMN_READER_H_
