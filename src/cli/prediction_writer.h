// PredictionWriter: turns a chunk's Predictions into JSON lines, one per input row, in order.
//   regressor, one target:   {"prediction": 12.5}
//   regressor, k targets:    {"prediction": [1.5, 2.0]}
//   classifier:              {"prediction": "yes", "probabilities": {"no": 0.2, "yes": 0.8}}
//   a row that failed:       {"row": 7, "error": "..."}   (row = 1-based record number)
// The label keeps the JSON type of the class (int and float labels are numbers, strings are
// strings, bools are true/false). Probability keys are the labels as Python's str() writes
// them: 1, 1.0, yes, True; in the order of the model's classes. Immutable once built, so one
// writer may serve several threads.
#ifndef FERRY_CLI_PREDICTION_WRITER_H_
#define FERRY_CLI_PREDICTION_WRITER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "cli/scorer.h"
#include "core/record_batch.h"
#include "model/model.h"

namespace ferry::cli {

struct PredictionWriterOptions {
  bool probabilities = true;  // classifiers: write the "probabilities" object
};

// The text Python's str() gives a label: 1, 1.0, nan, yes, True.
std::string LabelText(const Value& label);

class PredictionWriter {
 public:
  PredictionWriter(const Scorer& scorer, const PredictionWriterOptions& options);

  // Appends one line per row of `input` to *out. A row's error is the input's (a malformed
  // record) or else the prediction's. Returns the number of rows that failed.
  size_t Append(const RecordBatch& input, const model::Predictions& predictions,
                int64_t first_record, std::string* out) const;

 private:
  model::Task task_;
  PredictionWriterOptions options_;
  std::vector<std::string> label_json_;  // per class: the label as a JSON value
  std::vector<std::string> key_json_;    // per class: "<label text>": (quoted, with colon)
};

}  // namespace ferry::cli

#endif  // FERRY_CLI_PREDICTION_WRITER_H_
