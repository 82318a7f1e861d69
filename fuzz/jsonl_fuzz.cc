// Fuzz target: arbitrary bytes through the JSONL reader (small chunks, tiny read blocks), and
// every string cell back out through the JSON writer. Any crash, hang or sanitizer report is a
// bug; invalid lines must become row errors.
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/json_writer.h"
#include "io/jsonl_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ferry::io::ReaderOptions options;
  options.chunk_rows = 3;
  options.block_size = 16;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto reader = ferry::io::JsonlReader::Create(ferry::io::StringByteSource(bytes), options);
  if (!reader.ok()) return 0;
  ferry::io::RecordChunk chunk;
  std::string out;
  while (true) {
    auto more = (*reader)->Next(&chunk);
    if (!more.ok() || !*more) break;
    if (chunk.line_numbers.size() != chunk.batch.num_rows()) __builtin_trap();
    for (const auto& column : chunk.batch.columns()) {
      if (column.values.size() != chunk.batch.num_rows()) __builtin_trap();
      for (const auto& value : column.values) {
        out.clear();
        ferry::io::JsonWriter(&out).Write(value);
      }
    }
  }
  ferry::io::AppendJsonString(&out, bytes);
  return 0;
}
