// Scorer: what `ferry predict` runs on each chunk of records, kept apart from where the
// model came from. A plain model file gives one (ModelScorer); a deployment bundle can give
// another with the same shape. `score` must be safe to call from several threads at once.
#ifndef FERRY_CLI_SCORER_H_
#define FERRY_CLI_SCORER_H_

#include <functional>
#include <memory>
#include <vector>

#include "core/record_batch.h"
#include "core/value.h"
#include "model/model.h"

namespace ferry::cli {

struct Scorer {
  model::Task task = model::Task::kRegression;
  std::vector<Value> classes;  // classifiers: the labels Predictions::label indexes
  std::function<model::Predictions(const RecordBatch&)> score;
};

// A scorer that calls Model::Predict; the scorer shares ownership of the model.
Scorer ModelScorer(std::shared_ptr<const model::Model> model);

}  // namespace ferry::cli

#endif  // FERRY_CLI_SCORER_H_
