// RecordReader: reads records from CSV or JSONL bytes in chunks of at most `chunk_rows`
// records, so a file of any length is read in bounded memory. A malformed record becomes
// that row's error in its chunk (RecordBatch::error), never a failure of the whole input;
// only I/O errors and an unusable header fail a read. Not thread-safe.
//
//   auto reader = OpenRecordReader("data.csv", RecordFormat::kAuto, {});
//   RecordChunk chunk;
//   while (true) {
//     absl::StatusOr<bool> more = (*reader)->Next(&chunk);
//     if (!more.ok() || !*more) break;  // error, or end of input
//     ... chunk.batch, chunk.first_record, chunk.line_numbers ...
//   }
#ifndef FERRY_IO_RECORD_READER_H_
#define FERRY_IO_RECORD_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/record_batch.h"
#include "io/byte_source.h"

namespace ferry::io {

struct RecordChunk {
  RecordBatch batch;
  // 1-based number of the chunk's first record within the input (header and blank lines are
  // not records). Row i of the batch is record first_record + i.
  int64_t first_record = 1;
  // Per row, the 1-based line of the input where the record starts.
  std::vector<int64_t> line_numbers;
};

struct ReaderOptions {
  size_t chunk_rows = 8192;     // records per chunk (at least 1)
  size_t block_size = 1 << 20;  // bytes read from the source at a time
  size_t max_record_bytes = 64 << 20;  // a longer record (line) fails the read
};

class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // Fills `chunk` with the next records. Returns false (and an empty chunk) at end of input.
  virtual absl::StatusOr<bool> Next(RecordChunk* chunk) = 0;
};

enum class RecordFormat { kAuto, kCsv, kJsonl };

// Parses "csv", "jsonl" (also "json", "ndjson") or "auto"; the error lists the choices.
absl::StatusOr<RecordFormat> ParseRecordFormat(std::string_view text);
std::string_view RecordFormatName(RecordFormat format);

// The format a file name implies: .csv -> CSV; .jsonl/.ndjson/.json -> JSONL; else kAuto.
RecordFormat FormatFromExtension(std::string_view path);

// Opens `path` ("-" = standard input). With kAuto the format comes from the extension, else
// from the first non-blank byte: '{' or '[' -> JSONL, anything else -> CSV.
absl::StatusOr<std::unique_ptr<RecordReader>> OpenRecordReader(const std::string& path,
                                                               RecordFormat format,
                                                               const ReaderOptions& options);

// Same over an already open source (kAuto sniffs the bytes).
absl::StatusOr<std::unique_ptr<RecordReader>> MakeRecordReader(std::unique_ptr<ByteSource> source,
                                                               RecordFormat format,
                                                               const ReaderOptions& options);

}  // namespace ferry::io

#endif  // FERRY_IO_RECORD_READER_H_
