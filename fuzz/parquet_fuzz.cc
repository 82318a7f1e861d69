// Fuzz target: arbitrary bytes as a Parquet file image, read in full through the streaming
// reader with small batches and tight page limits. Any crash, hang, sanitizer report or
// allocation beyond the limits is a bug; errors returned as Status are expected.
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/parquet/parquet_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ferry::parquet::ParquetReaderOptions options;
  options.batch_rows = 7;
  options.max_footer_bytes = 1 << 20;
  options.limits.max_page_bytes = 1 << 20;
  options.limits.max_page_values = 1 << 16;
  auto reader = ferry::parquet::ParquetReader::OpenBytes(
      std::string(reinterpret_cast<const char*>(data), size), options);
  if (!reader.ok()) return 0;
  ferry::RecordBatch batch;
  for (int guard = 0; guard < 100000; ++guard) {
    auto more = (*reader)->Next(&batch);
    if (!more.ok() || !*more) break;
    // Every column has one value per row.
    for (const auto& column : batch.columns()) {
      if (column.values.size() != batch.num_rows()) __builtin_trap();
    }
  }
  return 0;
}
