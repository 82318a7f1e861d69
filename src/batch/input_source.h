// InputSource: the records of one run, in order, as chunks of bounded size, whatever they
// come from (CSV, JSONL or Parquet files matched by path patterns; SQL queries live in
// sql_input.h). Each chunk keeps where its rows came from, for reject files. Not thread-safe:
// one reader thread pulls from it.
#ifndef FERRY_BATCH_INPUT_SOURCE_H_
#define FERRY_BATCH_INPUT_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "batch/job_config.h"
#include "core/record_batch.h"

namespace ferry::batch {

struct SourceChunk {
  RecordBatch batch;
  int source = 0;                  // index into InputSource::sources()
  std::vector<int64_t> positions;  // per row: line (text files), row (Parquet, SQL), 1-based
  const char* position_kind = "line";
};

class InputSource {
 public:
  virtual ~InputSource() = default;
  // Fills `chunk` with the next rows; false at the end of every input.
  virtual absl::StatusOr<bool> Next(SourceChunk* chunk) = 0;
  // Names of the inputs (paths, or the database URL), for positions and the run summary.
  virtual const std::vector<std::string>& sources() const = 0;
  // Fraction of the input consumed so far in [0, 1], or a negative number when unknown.
  virtual double Progress() const = 0;
};

// Expands each pattern (shell globs: * ? [...]) into the files it matches, sorted, without
// duplicates. NotFound naming the patterns that matched nothing.
absl::StatusOr<std::vector<std::string>> ExpandPatterns(const std::vector<std::string>& patterns);

// Reads `paths` one after another. `format` kAuto picks by extension, else by content.
absl::StatusOr<std::unique_ptr<InputSource>> OpenFileSource(std::vector<std::string> paths,
                                                            FileFormat format, size_t chunk_rows);

}  // namespace ferry::batch

#endif  // FERRY_BATCH_INPUT_SOURCE_H_
