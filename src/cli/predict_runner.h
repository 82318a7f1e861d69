// RunPredictions: the predict loop shared by every source of a Scorer. Reads chunks from a
// RecordReader, scores up to `threads` chunks at once (the Scorer is thread-safe), and writes
// the lines of each chunk, in input order, to the output. Memory stays bounded by
// threads x chunk size.
#ifndef FERRY_CLI_PREDICT_RUNNER_H_
#define FERRY_CLI_PREDICT_RUNNER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "cli/prediction_writer.h"
#include "cli/scorer.h"
#include "io/output_file.h"
#include "io/record_reader.h"

namespace ferry::cli {

struct PredictCounts {
  int64_t rows = 0;
  int64_t failed = 0;
};

// Fails only when the input cannot be read or the output cannot be written; rows that cannot
// be scored are counted in `failed` and written as error lines.
absl::StatusOr<PredictCounts> RunPredictions(const Scorer& scorer, const PredictionWriter& writer,
                                             io::RecordReader& reader, io::OutputFile& output,
                                             int threads);

}  // namespace ferry::cli

#endif  // FERRY_CLI_PREDICT_RUNNER_H_
