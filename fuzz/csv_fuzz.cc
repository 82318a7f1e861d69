// Fuzz target: arbitrary bytes through the CSV reader, in small chunks and tiny read blocks so
// that records cross buffer boundaries. Any crash, hang or sanitizer report is a bug; errors
// returned as Status or as row errors are expected.
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/csv_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ferry::io::ReaderOptions options;
  options.chunk_rows = 3;
  options.block_size = 16;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto reader = ferry::io::CsvReader::Create(ferry::io::StringByteSource(bytes), options);
  if (!reader.ok()) return 0;
  ferry::io::RecordChunk chunk;
  while (true) {
    auto more = (*reader)->Next(&chunk);
    if (!more.ok() || !*more) break;
    // Every row has one cell per column and a line number.
    if (chunk.line_numbers.size() != chunk.batch.num_rows()) __builtin_trap();
    for (const auto& column : chunk.batch.columns()) {
      if (column.values.size() != chunk.batch.num_rows()) __builtin_trap();
    }
  }
  return 0;
}
