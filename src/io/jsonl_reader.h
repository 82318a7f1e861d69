// JSONL reader: one JSON value per line. An object is a record whose keys name the columns
// (the union of keys seen so far; a key a record lacks is null there). An array is a
// positional record with columns "0", "1", ... Integers -> Int (beyond int64 -> Float),
// other numbers -> Float, true/false -> Bool, null -> null, strings -> String. A repeated key
// keeps its last value, as Python's json does. Blank lines are skipped; CRLF and a leading
// UTF-8 byte order mark are accepted. Per-row errors (the rest of the input is still read):
// invalid JSON (naming the line and simdjson's reason), a nested object or array as a value,
// a line holding a scalar. Reads in chunks (ReaderOptions) so memory stays bounded.
#ifndef FERRY_IO_JSONL_READER_H_
#define FERRY_IO_JSONL_READER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "io/byte_source.h"
#include "io/read_buffer.h"
#include "io/record_reader.h"

namespace ferry::io {

class JsonlReader : public RecordReader {
 public:
  static absl::StatusOr<std::unique_ptr<JsonlReader>> Create(std::unique_ptr<ByteSource> source,
                                                             const ReaderOptions& options);
  ~JsonlReader() override;

  absl::StatusOr<bool> Next(RecordChunk* chunk) override;

  // Every column name seen so far, in order of first appearance.
  const std::vector<std::string>& column_names() const { return names_; }

 private:
  struct Parser;  // simdjson state, kept out of this header

  JsonlReader(std::unique_ptr<ByteSource> source, const ReaderOptions& options);
  // Finds the next line in the buffer; false at end of input.
  absl::StatusOr<bool> NextLine(std::string_view* line);
  // Index of the column named `name` in this chunk, adding it (null so far) if new.
  size_t ColumnIndex(std::string_view name, size_t rows_so_far);

  ReadBuffer buffer_;
  ReaderOptions options_;
  std::unique_ptr<Parser> parser_;
  std::vector<std::string> names_;
  absl::flat_hash_map<std::string, size_t> index_;
  std::vector<std::vector<Value>> columns_;  // the chunk being built, one per name
  size_t pending_consume_ = 0;
  int64_t line_ = 0;  // line number of the last line returned
  int64_t next_record_ = 1;
};

}  // namespace ferry::io

#endif  // FERRY_IO_JSONL_READER_H_
