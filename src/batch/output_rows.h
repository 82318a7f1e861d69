// OutputLayout: which columns a run writes and how each row is built from an input chunk
// and the bundle's scores: the row id (kept from the input when it has that column, else a
// fresh UUID v4), pass-through input columns, the bundle's outputs (decoded labels,
// probabilities as <name>_<label>, its own passthrough and constants), model_version (the
// bundle's version, unless the bundle outputs one), and label - prediction when the input
// holds the label column. Rows the bundle could not score become reject lines instead.
// With output.table.shape json the rows are the result table's instead (store/result_rows.h):
// id (the row id), model and version (the bundle's), received_at (from the configured input
// column, normalized to UTC; a row whose value is no time is rejected), processed_at (now) and
// event, the output event (bundle/output_event.h) that the async API and streams write.
// Build is const and thread-safe (scorer threads share one layout).
#ifndef FERRY_BATCH_OUTPUT_ROWS_H_
#define FERRY_BATCH_OUTPUT_ROWS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "batch/input_source.h"
#include "batch/job_config.h"
#include "batch/row_writer.h"
#include "bundle/bundle.h"
#include "core/record_batch.h"

namespace ferry::batch {

struct BuiltRows {
  RecordBatch rows;     // the scored rows, columns in layout order
  std::string rejects;  // JSONL lines: {"source", "line"|"row", "reason", "record"}
  int64_t rejected = 0;
};

class OutputLayout {
 public:
  // Fails when a configured column name is unknown to the bundle's outputs, or when a json
  // shape lacks what its rows need (a row id, the bundle's name).
  static absl::StatusOr<OutputLayout> Make(const ColumnsConfig& config,
                                           const bundle::Bundle& bundle,
                                           const OutputConfig& output = OutputConfig());

  const std::vector<OutputColumn>& columns() const { return columns_; }

  // Builds the output of `chunk` (whose rows `scored` holds). `sources` names chunk.source.
  BuiltRows Build(const SourceChunk& chunk, const bundle::ScoredBatch& scored,
                  const std::vector<std::string>& sources) const;

 private:
  enum class Kind { kRowId, kPassthrough, kField, kProbability, kModelVersion, kDifference };
  struct Slot {
    Kind kind;
    std::string source_name;  // input column (row id, passthrough, label)
    size_t index = 0;         // field or class index
  };

  // The result table's rows of the scored rows `good` of `in`.
  RecordBatch ResultTableRows(const RecordBatch& in, const std::vector<size_t>& good,
                              const bundle::ScoredBatch& scored) const;
  // Why row `r` of `in` cannot be written although it was scored ("" when it can).
  std::string RowProblem(const RecordBatch& in, size_t r) const;

  ColumnsConfig config_;
  bool result_table_ = false;       // output.table.shape json
  std::string received_at_column_;  // json shape: input column, "" = none
  std::string model_name_;
  std::string version_;
  std::vector<OutputColumn> columns_;
  std::vector<Slot> slots_;
};

// A random (version 4) UUID in its 36-character text form.
std::string NewUuid();

}  // namespace ferry::batch

#endif  // FERRY_BATCH_OUTPUT_ROWS_H_
